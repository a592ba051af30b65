import Foundation

/// What one line of new text turned out to be.
public enum CommandLineReading: Sendable, Equatable {
    /// A well-formed command.
    case command(Command)
    /// A line that is meant as a command (it starts with a verb in a command's shape) but is malformed;
    /// `problem` says what is wrong, `verb.usage` the expected form.
    case malformed(verb: Verb, problem: String)
    /// Conversation text.
    case text
    /// A `>` quoted line the sender's words answer, kept in place as context (``ReplyText/shownLines``): never a
    /// command, and never read as one (``CommandGrammar/read(_:)`` does not give it).
    case quoted

    /// Conversation text or quoted context: a line that is neither a command nor meant as one.
    public var isConversation: Bool { self == .text || self == .quoted }
}

/// The mail command grammar (SPEC §5): one command per line, verbs case-insensitive,
/// leading blanks and a trailing `.` ignored, a GGUS URL counting only alone on its line.
///
/// A line counts as a command only when it starts with a verb *and* what follows has the shape of
/// that verb's arguments; "Accept the release please" and "I cannot accept this yet" are conversation.
public enum CommandGrammar {
    /// Reads one line.
    public static func read(_ rawLine: String) -> CommandLineReading {
        var line = rawLine.trimmingWhitespace()
        // A break at the end of the line stands after the command's words; anywhere else a command would start after it
        // or hold it: such a line is text.
        while let last = line.unicodeScalars.last, isBreakInsideLine(last) || last.properties.isWhitespace {
            line.unicodeScalars.removeLast()
        }
        while line.hasSuffix(".") { line.removeLast() }
        line = line.trimmingWhitespace()
        guard !line.isEmpty, !line.unicodeScalars.contains(where: isBreakInsideLine) else { return .text }

        if let ticket = ggusTicket(inURL: line) { return .command(.ggus(ticket: ticket)) }

        // The first word decides whether the line can be a command; the others are split only when it is a verb (most
        // lines are text).
        guard var first = line.split(maxSplits: 1, whereSeparator: { $0.isWhitespace }).first.map(String.init) else { return .text }
        if first.hasSuffix(":") { first.removeLast() }
        guard let verb = Verb(rawValue: first.lowercased()) else { return .text }
        return read(verb, Array(line.split(whereSeparator: { $0.isWhitespace }).dropFirst().map(String.init)))
    }

    private static func read(_ verb: Verb, _ args: [String]) -> CommandLineReading {
        func malformed(_ problem: String) -> CommandLineReading { .malformed(verb: verb, problem: problem) }
        switch verb {
        case .accept, .reject, .unassign:
            guard let team = args.first else { return malformed("the team name is missing") }
            guard looksLikeTeam(team) else { return .text }
            guard args.count == 1 else { return malformed("unexpected words after the team name") }
            switch verb {
            case .accept: return .command(.accept(team: team))
            case .reject: return .command(.reject(team: team))
            default: return .command(.unassign(team: team))
            }
        case .downtime:
            guard let team = args.first else { return malformed("the team name is missing") }
            guard looksLikeTeam(team) else { return .text }
            guard args.count == 2 else { return malformed("expected the team name and then on or off") }
            switch args[1].lowercased() {
            case "on": return .command(.downtime(team: team, on: true))
            case "off": return .command(.downtime(team: team, on: false))
            default: return malformed("'\(args[1])' is neither on nor off")
            }
        case .ggus:
            guard let ticket = args.first else { return malformed("the GGUS ticket number is missing") }
            let number = ticket.hasPrefix("#") ? String(ticket.dropFirst()) : ticket
            if let fromURL = ggusTicket(inURL: ticket), args.count == 1 { return .command(.ggus(ticket: fromURL)) }
            guard !number.isEmpty, number.allSatisfy(\.isNumber) else { return .text }
            guard args.count == 1 else { return malformed("unexpected words after the ticket number") }
            guard isGGUSNumber(number) else {
                return malformed("a GGUS ticket number has 1 to \(maximumGGUSDigits) digits (0-9)")
            }
            return .command(.ggus(ticket: number))
        case .assign:
            guard !args.isEmpty else { return malformed("no team named") }
            let teams = args.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
            guard teams.allSatisfy(looksLikeTeam) else {
                return looksLikeTeam(teams.first ?? "") ? malformed("not every word is a team name") : .text
            }
            return .command(.assign(teams: teams))
        case .extend:
            guard let target = args.first else { return malformed("the team (or all) and the days are missing") }
            guard target.lowercased() == "all" || looksLikeTeam(target) else { return .text }
            guard args.count == 2 else { return malformed("expected a team (or all) and a number of days") }
            guard let days = Int(args[1]), days > 0 else { return malformed("'\(args[1])' is not a positive number of days") }
            return .command(.extend(team: target.lowercased() == "all" ? nil : target, days: days))
        case .escalate, .resolve, .bundle, .show:
            guard args.isEmpty else { return .text }
            switch verb {
            case .escalate: return .command(.escalate)
            case .resolve: return .command(.resolve)
            case .bundle: return .command(.bundle)
            default: return .command(.show)
            }
        case .outcome:
            guard let value = args.first else { return malformed("accept or reject is missing") }
            guard args.count == 1 else { return .text }
            switch value.lowercased() {
            case "accept", "accepted": return .command(.outcome(.accept))
            case "reject", "rejected": return .command(.outcome(.reject))
            default: return malformed("'\(value)' is neither accept nor reject")
            }
        case .docid:
            guard let id = args.first else { return malformed("the document-server ID is missing") }
            guard args.count == 1 else { return .text }
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/-:".contains($0)) }) else {
                return malformed("'\(id)' is not a document-server ID")
            }
            return .command(.docid(id))
        case .status:
            guard let value = args.first else { return malformed("the new status is missing") }
            guard args.count == 1 else { return .text }
            return .command(.status(value))
        }
    }

    /// Characters that break a line on screen but do not end one in mail (a line is what ends in LF or CRLF): a lone CR,
    /// VT, FF, NEL, U+2028 and U+2029. They never start a command (SPEC §5): a line that holds one before its end is text,
    /// whatever follows it.
    static func isBreakInsideLine(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": true
        default: false
        }
    }

    /// `<NGI>-<Site>` with or without `ea-`: what a team argument must look like to make the line a command.
    static func looksLikeTeam(_ word: String) -> Bool { TeamName(word) != nil }

    /// The ticket number of a GGUS ticket URL (`https://ggus.eu/?mode=ticket_info&ticket_id=123456`,
    /// `https://ggus.eu/index.php?mode=ticket_info&ticket_id=…`, `https://ggus.eu/ws/ticket_info.php?ticket=…`).
    public static func ggusTicket(inURL text: String) -> String? {
        // Without a slash there is no authority, so no host (and nothing for URLComponents to parse).
        guard text.utf8.contains(UInt8(ascii: "/")), !text.contains(where: \.isWhitespace),
            let url = URLComponents(string: text), let host = url.host?.lowercased(),
            host == "ggus.eu" || host.hasSuffix(".ggus.eu") || host.hasPrefix("ggus.")
        else { return nil }
        for item in url.queryItems ?? [] where ["ticket_id", "ticket", "id"].contains(item.name.lowercased()) {
            if let value = item.value, isGGUSNumber(value) { return value }
        }
        if let last = url.path.split(separator: "/").last, isGGUSNumber(last) { return String(last) }
        return nil
    }

    /// GGUS numbers its tickets from 1 and has used six and seven digits; ten leave room and keep a line of
    /// thousands of digits from being stored and echoed as a ticket.
    public static let maximumGGUSDigits = 10

    /// 1 to ``maximumGGUSDigits`` ASCII digits.
    static func isGGUSNumber<S: StringProtocol>(_ text: S) -> Bool {
        (1...maximumGGUSDigits).contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
