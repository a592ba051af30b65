import RolloutCore

/// One form of the ticket page, read into the lines a mail with the same command would carry, so that it goes
/// through the same workflow code (``RolloutGateway/Gateway/apply(to:sender:lines:attachments:cause:seen:answer:preloaded:writtenAt:)``).
public enum WebAction: Sendable, Equatable {
    case command(Command)
    /// Conversation only: every line is text, never a command (a comment that says `resolve` resolves nothing).
    case comment(String)

    /// A form the page cannot read, and why.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a posted form: `action` names it, `team`, `value`, `teams` and `text` carry its arguments.
    public init(form: [String: [String]]) throws {
        func one(_ key: String) throws -> String {
            guard let value = form[key]?.first?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw Problem(description: "the form has no \(key); fill it in and send it again")
            }
            guard !value.contains(where: { $0.isNewline || ($0.asciiValue ?? 32) < 32 }) else {
                throw Problem(description: "the \(key) is one line; it has a line break or a control character")
            }
            return value
        }
        let action = try one("action")
        switch action {
        case "accept": self = .command(.accept(team: try one("team")))
        case "reject": self = .command(.reject(team: try one("team")))
        case "downtime-on": self = .command(.downtime(team: try one("team"), on: true))
        case "downtime-off": self = .command(.downtime(team: try one("team"), on: false))
        case "ggus": self = .command(.ggus(ticket: try one("value")))
        case "outcome-accept": self = .command(.outcome(.accept))
        case "outcome-reject": self = .command(.outcome(.reject))
        case "docid": self = .command(.docid(try one("value")))
        case "resolve": self = .command(.resolve)
        case "assign":
            let teams = (form["teams"] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !teams.isEmpty else { throw Problem(description: "no team was ticked; tick the teams to assign") }
            guard teams.allSatisfy({ !$0.contains(where: { $0.isWhitespace || ($0.asciiValue ?? 32) < 32 || $0 == "," }) }) else {
                throw Problem(description: "a team name has a blank, a comma or a control character")
            }
            self = .command(.assign(teams: teams))
        case "comment":
            let text = form["text"]?.first ?? ""
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Problem(description: "the comment is empty; write it and send it again")
            }
            self = .comment(text)
        default:
            throw Problem(description: "'\(action)' is not an action of this page")
        }
    }

    /// The lines of new text a mail with this command (or comment) would carry.
    public var lines: [ReadLine] {
        switch self {
        case .command(let command):
            [ReadLine(command.words.joined(separator: " "))]
        case .comment(let text):
            text.physicalLines.map { ReadLine(text: $0, reading: .text, leading: false) }
        }
    }
}
