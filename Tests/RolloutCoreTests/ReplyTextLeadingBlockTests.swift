import RolloutCore
import Testing

/// Issue 17 "Privileged commands come first": which lines ReplyText marks as the leading command block.
@Suite("Reply text: the leading command block is marked")
struct ReplyTextLeadingBlockTests {
    /// The command lines of a reply, each with whether it is leading.
    private func commandLines(_ text: String) -> [(String, Bool)] {
        ReplyText(text).readLines.filter { !$0.reading.isConversation }.map { ($0.text, $0.leading) }
    }

    private func leading(_ text: String) -> [Bool] { commandLines(text).map(\.1) }

    private let quote = "On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:\n> Please answer.\n> accept NGI_IT-INFN-T1"

    @Test("top-posted commands are leading, blank lines between them too")
    func topPosted() {
        let text = "outcome accept\n\ndocid 1234\nresolve\n\n\(quote)"
        #expect(leading(text) == [true, true, true])
        #expect(ReplyText(text).readLines.first?.leading == true)
    }

    @Test("one or two short greetings above the commands keep them leading")
    func greetings() {
        #expect(leading("Hi all,\n\noutcome accept\nresolve\n\nMario") == [true, true])
        #expect(leading("Dear colleagues,\nhello again!\nassign NGI_IT-INFN-T1\n\n\(quote)") == [true])
        #expect(leading("  \nHi,\n\nescalate") == [true])
    }

    @Test("a malformed command stays in the block")
    func malformedInBlock() {
        #expect(leading("outcome maybe\nresolve") == [true, true])
    }

    @Test("commands below a paragraph of prose are not leading")
    func belowProse() {
        let text = "We looked at the reports and everything is in order, thanks to all teams.\n\noutcome accept\nresolve"
        #expect(leading(text) == [false, false])
    }

    @Test("a third greeting ends the block")
    func thirdGreeting() {
        #expect(leading("Hi,\nhello,\nciao,\nresolve") == [false])
        #expect(leading("Hi,\nhello,\nresolve") == [true])
    }

    @Test("a greeting-like line after the first command ends the block")
    func textAfterCommand() {
        #expect(leading("accept NGI_IT-INFN-T1\nThanks\nresolve") == [true, false])
    }

    @Test("a short line that names a command word is no greeting")
    func greetingWithVerb() {
        #expect(leading("I resolve to test it.\nresolve") == [false])
    }

    @Test("an inline answer between two quotes is not leading")
    func inline() {
        let text = "> Which teams?\nassign NGI_IT-INFN-T1\n> And the outcome?\noutcome accept\nresolve"
        #expect(leading(text) == [false, false, false])
    }

    @Test("top-posted commands stay leading, those below a quote further down are not")
    func topPostedThenInline() {
        let text = "outcome accept\n> Which teams?\nresolve"
        #expect(leading(text) == [true, false])
    }

    @Test("bottom-posted commands just below the quoted original are leading")
    func bottomPosted() {
        #expect(leading("\(quote)\n\noutcome accept\ndocid 1234\nresolve\n-- \nMario") == [true, true, true])
        #expect(leading("> Please answer.\n>\n> accept NGI_IT-INFN-T1\n\nHi,\nresolve") == [true])
    }

    @Test("bottom-posted commands below a paragraph are not leading")
    func bottomPostedBelowProse() {
        let text = "\(quote)\n\nThe reports are in, and the teams are happy with the release, so:\nresolve"
        #expect(leading(text) == [false])
    }

    @Test("no command block in a reply that starts with other old text")
    func startsWithHeaderBlock() {
        let text = "________________\nFrom: a@b.org\nSent: 15:00\n\nresolve"
        #expect(commandLines(text).isEmpty)
    }
}
