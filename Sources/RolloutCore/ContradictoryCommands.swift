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
        var choices: [Subject: [(line: Int, choice: String, written: String)]] = [:]
        var order: [Subject] = []
        for (index, line) in lines.enumerated() {
            guard case .command(let command) = line.reading, let (subject, choice) = Self.choice(of: command) else {
                continue
            }
            if choices[subject] == nil { order.append(subject) }
            choices[subject, default: []].append((index, choice, command.words.joined(separator: " ")))
        }
        for subject in order {
            let found = choices[subject]!
            // Each different choice once, as the sender first wrote it.
            var distinct: [(choice: String, written: String)] = []
            for item in found where !distinct.contains(where: { $0.choice == item.choice }) {
                distinct.append((item.choice, item.written))
            }
            guard distinct.count > 1 else { continue }
            let said = distinct.map { "'\($0.written)'" }.joined(separator: " and ")
            let reason = "your message says both \(said); reply with one line — none of these lines was applied"
            for item in found { reasons[item.line] = reason }
        }
    }

    /// Whether the message contradicts itself anywhere.
    public var isEmpty: Bool { reasons.isEmpty }

    /// Why the line at `index` is not applied, when it is one of a contradiction.
    public func reason(forLine index: Int) -> String? { reasons[index] }

    /// The subject a command decides and the choice it makes, for commands that can contradict.
    private static func choice(of command: Command) -> (Subject, String)? {
        switch command {
        case .accept(let team), .reject(let team):
            guard let name = TeamName(team) else { return nil }
            return (Subject(what: "answer", team: name.key), command.verb.rawValue)
        case .downtime(let team, let on):
            guard let name = TeamName(team) else { return nil }
            return (Subject(what: "downtime", team: name.key), on ? "on" : "off")
        case .outcome(let outcome):
            return (Subject(what: "outcome", team: nil), outcome.rawValue)
        default:
            return nil
        }
    }
}
