/// Commands of one message that say opposite things (SPEC §5 "Commands", issue 12): `accept` and `reject` for the same
/// team, `downtime <team> on` and `off`, `outcome accept` and `outcome reject`.
///
/// The gateway does not guess which one the sender meant — a reply whose mail program pasted our notification below
/// it, unquoted, holds both reply lines of the notification. None of the contradicting lines applies; each is refused
/// with ``reason(forLine:)``, which asks for one line. Repeating the same command is no contradiction.
public struct ContradictoryCommands: Sendable, Equatable {
    /// Why each contradicting line (by its index in the message's lines) is not applied.
    public private(set) var reasons: [Int: String] = [:]

    /// What a command decides, and about what: two commands of one subject contradict when their choices differ.
    private struct Subject: Hashable {
        var what: String
        var team: String?
    }

    /// Finds the contradictions among `lines`, in one pass.
    public init(_ lines: [ReadLine]) {
        var choices: [Subject: [(line: Int, choice: String)]] = [:]
        var order: [Subject] = []
        for (index, line) in lines.enumerated() {
            guard case .command(let command) = line.reading, let (subject, choice) = Self.choice(of: command) else {
                continue
            }
            if choices[subject] == nil { order.append(subject) }
            choices[subject, default: []].append((index, choice))
        }
        for subject in order {
            let found = choices[subject]!
            var distinct: [String] = []
            for (_, choice) in found where !distinct.contains(choice) { distinct.append(choice) }
            guard distinct.count > 1 else { continue }
            let said = distinct.map { "'\($0)'" }.joined(separator: " and ")
            let reason = "your message says both \(said); reply with one line — none of these lines was applied"
            for (line, _) in found { reasons[line] = reason }
        }
    }

    /// Whether the message contradicts itself anywhere.
    public var isEmpty: Bool { reasons.isEmpty }

    /// Why the line at `index` is not applied, when it is one of a contradiction.
    public func reason(forLine index: Int) -> String? { reasons[index] }

    /// The subject a command decides and the choice it makes, as the command reads, for commands that can contradict.
    private static func choice(of command: Command) -> (Subject, String)? {
        switch command {
        case .accept(let team), .reject(let team):
            guard let name = TeamName(team) else { return nil }
            return (Subject(what: "answer", team: name.key), "\(command.verb.rawValue) \(name.shortForm)")
        case .downtime(let team, let on):
            guard let name = TeamName(team) else { return nil }
            return (Subject(what: "downtime", team: name.key), "downtime \(name.shortForm) \(on ? "on" : "off")")
        case .outcome(let outcome):
            return (Subject(what: "outcome", team: nil), "outcome \(outcome.rawValue.lowercased())")
        default:
            return nil
        }
    }
}
