/// Where the leading command block of a reply's new text ends (SPEC §5, issue 17 "Privileged commands come first").
///
/// The block starts at the top of the new text (top-posted) or just below the quoted original (bottom-posted) — the
/// caller says where, as the lines in which it may stand — and runs down to the first line that is neither blank, a
/// command (well-formed or malformed) nor one of at most ``maximumGreetings`` short greeting lines ("Hi Mario,",
/// "Dear all") written before the first command. This type only marks the lines; the workflow decides which commands
/// count only there.
enum LeadingCommandBlock {
    /// Greeting lines allowed at the top of the block.
    static let maximumGreetings = 2
    /// The longest greeting line, in characters.
    static let maximumGreetingLength = 40

    /// The end (exclusive) of the block that starts at `lines.startIndex`.
    static func end(of lines: ArraySlice<ReadLine>) -> Int {
        var greetings = 0
        var seenCommand = false
        for index in lines.indices {
            let line = lines[index]
            if !line.reading.isConversation {
                seenCommand = true
                continue
            }
            if ReplyText.isBlank(line.text) { continue }
            if !seenCommand, greetings < maximumGreetings, isGreeting(line.text) {
                greetings += 1
                continue
            }
            return index
        }
        return lines.endIndex
    }

    /// A short line without a command word: what may stand above the commands as a greeting.
    static func isGreeting(_ line: String) -> Bool {
        let text = line.trimmingWhitespace()
        guard text.count <= maximumGreetingLength else { return false }
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter })
        return !words.contains { Verb(rawValue: String($0)) != nil }
    }
}
