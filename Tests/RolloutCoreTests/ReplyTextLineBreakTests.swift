import RolloutCore
import Testing

/// Issue 17, class 2: a line is what ends in LF or CRLF; other line-breaking characters are inside the line.
@Suite("Reply text: only LF and CRLF end a line")
struct ReplyTextLineBreakTests {
    /// The characters that break a line on screen but do not end one in mail.
    static let breaks: [String] = ["\u{2028}", "\u{2029}", "\u{85}", "\u{0B}", "\u{0C}", "\r"]

    private func commands(_ text: String) -> [Command] {
        ReplyText(text).readLines.compactMap {
            if case .command(let command) = $0.reading { return command }
            return nil
        }
    }

    @Test("the physical lines of a text: LF and CRLF end them, a lone CR does not")
    func physicalLines() {
        #expect("a\r\nb\nc\rd\u{2028}e\n".physicalLines == ["a", "b", "c\rd\u{2028}e", ""])
        #expect("".physicalLines == [""])
        #expect("\r\r\nx".physicalLines == ["\r", "x"])
    }

    @Test("a quoted line that holds a line break and a command after it is quoted as a whole", arguments: breaks)
    func quotedLineHoldsBreak(separator: String) {
        let text = "accept NGI_IT-INFN-T1\n> Please see the report.\(separator)resolve\n> thanks\(separator)outcome accept\n"
        let reply = ReplyText(text)
        #expect(commands(text) == [.accept(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.map(\.text) == [["> Please see the report.\(separator)resolve", "> thanks\(separator)outcome accept"]])
    }

    @Test("a command after a line break in the middle of an unquoted sentence is not read", arguments: breaks)
    func unquotedSentenceHoldsBreak(separator: String) {
        #expect(commands("I looked at the release\(separator)resolve").isEmpty)
        #expect(commands("\(separator)resolve").isEmpty, "a break before the verb")
        #expect(commands("  \(separator) outcome accept").isEmpty)
        #expect(CommandGrammar.read("docid\(separator)1234") == .text)
        #expect(CommandGrammar.read("accept NGI_IT-INFN-T1\(separator)resolve") == .text)
    }

    @Test("control: a command line still reads, also with a break after its last word", arguments: breaks)
    func commandLineStillReads(separator: String) {
        #expect(commands("resolve\ndocid 1234\r\noutcome accept.") == [.resolve, .docid("1234"), .outcome(.accept)])
        #expect(CommandGrammar.read("resolve\(separator)") == .command(.resolve))
    }

    @Test("a message event's text splits into the same lines")
    func messageEventLines() {
        let event = MessageEvent(
            queue: .stagedRollout, sender: Sender(address: World.manager, authentication: .weak), cause: .operatorAction("apply"),
            text: "accept NGI_IT-INFN-T1\u{2028}resolve\r\nescalate")
        #expect(event.lines.map(\.text) == ["accept NGI_IT-INFN-T1\u{2028}resolve", "escalate"])
        #expect(event.lines.map(\.reading) == [.text, .command(.escalate)])
    }
}
