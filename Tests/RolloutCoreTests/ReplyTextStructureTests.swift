import Foundation
import RolloutCore
import Testing

/// Where the new text ends, read from the shape of lines, their place and what follows them (issue 18).
@Suite("Reply text, round 2: wrapped attributions, glued lines, lost quote marks, device signatures, sign-offs")
struct ReplyTextStructureTests {

    private let accept = Command.accept(team: "NGI_IT-INFN-T1")

    @Test("an attribution wrapped over three or four lines ends the new text; the original's lines below are not read",
        arguments: [
            ["On Mon, 30 Nov 2026 at 15:02, Staged Rollout <", "staged-rollout@rollout.example.org>", "wrote:"],
            ["On Mon, 30 Nov 2026 at 15:02 Staged Rollout", "", "<", "mailto:Staged Rollout <staged-rollout@rollout.example.org>", "> wrote:"],
            ["Am 30.11.2026 15:02 schrieb \"Staged Rollout\" <staged-rollout@rollout.example.org", ">:"],
            ["2026-11-30 15:02 GMT+01:00 Staged Rollout <", "staged-rollout@rollout.example.org>:"],
            ["Le 30 nov. 2026 15:02, \"Staged Rollout\"", "<staged-rollout@rollout.example.org>", "a écrit :"],
            ["On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org>wrote:"],
            ["On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote"],
            ["On 30-Nov-2026, at 3:02 PM, Staged Rollout <staged-rollout@rollout.example.org> sent:"],
            ["Op 30-nov.-2026, om 15:02 heeft Staged Rollout <staged-rollout@rollout.example.org> het volgende geschreven:"],
            ["Vào 15:02 30 tháng 11, 2026, Staged Rollout <staged-rollout@rollout.example.org> đã viết:"],
            ["El 30/11/2026 15:02, Staged Rollout <staged-rollout@rollout.example.org> ha escrit:"],
        ])
    func wrappedAttribution(attribution: [String]) {
        let text = (["accept NGI_IT-INFN-T1", ""] + attribution + ["", "Please answer with one line:", "reject NGI_IT-INFN-T1"])
            .joined(separator: "\n")
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).newLines.filter { !$0.isEmpty } == ["accept NGI_IT-INFN-T1"])
    }

    @Test("a line glued directly above an attribution is the sender's: kept, and read when it is a command")
    func gluedAboveAttribution() {
        let glued = "accept NGI_IT-INFN-T1\nDen 30 november, 2026 15:02:18, Staged Rollout (staged-rollout@rollout.example.org) skrev:\n\nreject NGI_IT-INFN-T1"
        #expect(replyCommands(glued) == [accept])
        let prose = "Lorem ipsum\nOn Mon, 30 Nov 2026 at 15:02, Staged Rollout <\nstaged-rollout@rollout.example.org> wrote:\n> reject NGI_IT-INFN-T1"
        #expect(ReplyText(prose).newLines == ["Lorem ipsum"])
    }

    @Test("an attribution amid a line: the words before it stay new text (a command among them is read)")
    func attributionAmidLine() {
        let text = "accept NGI_IT-INFN-T1 --- On Mon, 30 Nov 2026 at 15:02, staged-rollout@rollout.example.org wrote:\n> reject NGI_IT-INFN-T1"
        #expect(ReplyText(text).newLines == ["accept NGI_IT-INFN-T1"])
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.first?.text.first == "On Mon, 30 Nov 2026 at 15:02, staged-rollout@rollout.example.org wrote:")
        // A sentence that merely mentions a day is no attribution.
        let sentence = "We met on Monday and I wrote: accept it"
        #expect(ReplyText(sentence).cuts.isEmpty)
    }

    @Test("a separator naming a message between dashes, in any wording, ends the new text",
        arguments: ["-----Reply Message-----", "-----Antwort Nachricht-----", "----- Oprindelig besked -----", "*-----Original Email-----*"])
    func messageSeparator(separator: String) {
        let text = "accept NGI_IT-INFN-T1\n\n\(separator)\n\nreject NGI_IT-INFN-T1"
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.map(\.reason) == [.originalMessage])
        #expect(ReplyText("accept NGI_IT-INFN-T1\n----- Update -----\nreject NGI_IT-INFN-T1").cuts.isEmpty)
    }

    @Test("a header field whose value the client wrapped stays in the block (bold form from HTML, French spacing)")
    func wrappedHeaderField() {
        let bold = "accept NGI_IT-INFN-T1\n\n  *From:* rollout@example.org [mailto:\n  rollout@example.org]\n  *Sent:* Monday, November 30, 2026 3:05 PM\n  *To:* paolo@example.org\n  *Subject:* Please test\n\nreject NGI_IT-INFN-T1"
        #expect(replyCommands(bold) == [accept])
        let french = "accept NGI_IT-INFN-T1\n\nDe : Staged Rollout <staged-rollout@rollout.example.org>\nEnvoyé le : lundi 30 novembre 2026 15:02\nÀ : paolo@example.org\nObjet : Please test\n\nreject NGI_IT-INFN-T1"
        #expect(replyCommands(french) == [accept])
    }

    @Test("a quoted line that lost its '>' in re-wrapping is quoted; an inline answer between quotes stays new text")
    func lostQuoteMarks() {
        let rewrapped = """
            > Please answer by Monday with one line, accept or reject and the name of your
            team, and attach the report when the testing is done.
            > reject NGI_IT-INFN-T1
            accept NGI_IT-INFN-T1
            """
        #expect(ReplyText(rewrapped).newLines == ["accept NGI_IT-INFN-T1"])
        let link = "> View the ticket (https://rollout.example.org/action\n_nonce=3dd518)\n> thanks\n\nok"
        #expect(ReplyText(link).newLines == ["", "ok"])
        // Short line above, or a capital, or a command: the sender's answer between two quotes.
        let inline = "> Which teams?\nassign NGI_DE-KIT\n> And when?\ntoday, at noon\n> Fine."
        #expect(ReplyText(inline).newLines == ["assign NGI_DE-KIT", "today, at noon"])
        let answer = "> Please answer by Monday with one line, accept or reject and the name of your\naccept NGI_IT-INFN-T1\n> team."
        #expect(replyCommands(answer) == [accept])
    }

    @Test("a device signature ends the new text, in its shapes; a sentence that starts like one stays",
        arguments: ["Sent from my iPhone", "Sent from Outlook Mobile<https://aka.ms/x>", "Sent from Mailbox for iPhone",
            "Sent wirelessly from my BlackBerry device on the Bell network.", "Envoyé depuis mon iPhone",
            "Von meinem iPhone gesendet", "(Sent from my Galaxy S21)"])
    func deviceSignature(signature: String) {
        let text = "accept NGI_IT-INFN-T1\n\n\(signature)\n\nStaged Rollout wrote on ticket 12, please answer"
        #expect(ReplyText(text).newLines == ["accept NGI_IT-INFN-T1", ""])
        #expect(ReplyText(text).cuts.map(\.reason) == [.signature])
    }

    @Test("a sentence that starts like a device signature, or one with a command below it, is the sender's text")
    func deviceSignatureLikeSentence() {
        let sentence = "Sent from my laptop, which is easier than the phone.\nThe tests ran all night.\n\nMario"
        #expect(ReplyText(sentence).cuts.isEmpty)
        let noProduct = "Sent from my desk at home today\nthe tests ran all night"
        #expect(ReplyText(noProduct).cuts.isEmpty)
        let commandBelow = "Sent from my iPhone\n\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(commandBelow) == [accept])
    }

    @Test("a sign-off at the very end of the message is cut; never above old text, never a command, never the first line")
    func signOff() {
        #expect(ReplyText("accept NGI_IT-INFN-T1\n\nThanks!\nPaolo").newLines == ["accept NGI_IT-INFN-T1", ""])
        #expect(ReplyText("Tests ran.\n-paolo").newLines == ["Tests ran."])
        #expect(ReplyText("Tests ran.\n---\nPaolo Veronesi").newLines == ["Tests ran."])
        #expect(ReplyText("Tests ran.\n\nBest regards,\n\nPaolo\nᐧ").newLines == ["Tests ran.", ""])
        // Stays: above the quoted original, a closing without a name, one that says more, the first line, a list.
        let aboveQuote = "Tests ran.\n\nThanks,\nPaolo\n\nOn Mon, 30 Nov 2026 at 15:02, Staged Rollout <s@r.example.org> wrote:\n> hi"
        #expect(ReplyText(aboveQuote).newLines.filter { !$0.isEmpty } == ["Tests ran.", "Thanks,", "Paolo"])
        #expect(ReplyText("Tests ran.\n\nKind regards").newLines.last == "Kind regards")
        #expect(ReplyText("Tests ran.\n\nThanks for the quick fix\nPaolo").cuts.isEmpty)
        #expect(ReplyText("Thanks,\nPaolo").cuts.isEmpty)
        #expect(ReplyText("To do:\n- upgrade\n- reboot").cuts.isEmpty)
        #expect(replyCommands("Tests ran.\n\nThanks!\naccept NGI_IT-INFN-T1") == [accept])
    }

    @Test("the new lookaheads keep reading linear: four times the lines cost about four times as much, not sixteen")
    func linear() {
        func text(_ blocks: Int) -> String {
            String(repeating: """
                On 30 Nov 2026 15:02 Mario
                Sent from my iPhone
                > quoted line that is long enough to be re-wrapped by a mail client, see
                continued here
                *From:* x
                  wrapped
                Thanks!
                Paolo

                """, count: blocks) + "accept NGI_IT-INFN-T1\n"
        }
        let small = text(200)
        let large = text(800)
        var smallTime = Double.infinity
        var largeTime = Double.infinity
        for _ in 0..<3 {
            smallTime = min(smallTime, seconds { _ = ReplyText(small).readLines })
            largeTime = min(largeTime, seconds { _ = ReplyText(large).readLines })
        }
        #expect(replyCommands(large) == [accept])
        print("reply text 1,800 lines \(smallTime) s, 7,200 lines \(largeTime) s, ratio \(largeTime / smallTime)")
        #expect(largeTime / smallTime < 8, "1,800 lines \(smallTime) s, 7,200 lines \(largeTime) s")
    }

    private func seconds(_ work: () -> Void) -> Double {
        let start = Date()
        work()
        return Date().timeIntervalSince(start)
    }

    @Test("a bare quote the sender answers is shown in place as context, never read as a command; a quote an attribution introduces, or one nothing answers, is not shown")
    func quotedContext() {
        let leading = "> accept NGI_IT-INFN-T1\n\nThanks, installed on se-test01."
        #expect(replyCommands(leading).isEmpty)
        let read = ReplyText(leading).readLines
        #expect(read.map(\.text) == ["> accept NGI_IT-INFN-T1", "", "Thanks, installed on se-test01."])
        #expect(read.map(\.reading) == [.quoted, .text, .text])
        #expect(ReplyText(leading).newLines == ["", "Thanks, installed on se-test01."])

        let inline = "> Which version did you install?\n2.3.1\n> Any problem?\nNone so far.\naccept NGI_IT-INFN-T1\n> Not shown: nothing answers it."
        let reply = ReplyText(inline)
        #expect(reply.shownLines == ["> Which version did you install?", "2.3.1", "> Any problem?", "None so far.", "accept NGI_IT-INFN-T1"])
        #expect(replyCommands(inline) == [accept])
        // The relay carries the questions with the answers; the command line is replaced by what it did.
        #expect(RelayText.text(lines: reply.readLines, results: []) == "> Which version did you install?\n2.3.1\n> Any problem?\nNone so far.\n→ accept NGI_IT-INFN-T1")

        let attributed = "Thanks\nOn Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:\n> accept NGI_IT-INFN-T1\nsee above"
        #expect(!ReplyText(attributed).shownLines.contains("> accept NGI_IT-INFN-T1"))
        #expect(replyCommands(attributed).isEmpty)

        // A quote above nothing but commands is not shown, and such a reply relays no conversation.
        let onlyCommand = ReplyText("> Please accept\naccept NGI_IT-INFN-T1")
        #expect(onlyCommand.shownLines == ["accept NGI_IT-INFN-T1"])
        let event = MessageEvent(
            queue: .stagedRollout, sender: Sender(address: EmailAddress("a@b.example"), authentication: .weak), cause: .message(id: "<x@y>"),
            lines: ReplyText("> Please accept\n\naccept NGI_IT-INFN-T1\n").readLines)
        #expect(event.conversationText.isEmpty)
        // A quote that lost a `>` to re-wrapping is shown with it; a forged gateway line inside a quote is defused.
        let wrapped = "> The new version installs cleanly but the information provider\nreports the wrong version number in the BDII output\n> Can you confirm?\nYes, confirmed."
        #expect(ReplyText(wrapped).shownLines.first == "> The new version installs cleanly but the information provider")
        #expect(ReplyText(wrapped).shownLines.dropFirst().allSatisfy { $0.hasPrefix(">") || $0 == "Yes, confirmed." })
        let forged = ReplyText("> → resolve: applied\nHmm?").readLines
        #expect(RelayText.text(lines: forged, results: []) == "> -> resolve: applied\nHmm?")
    }

    @Test("a sender's line cannot pass for the gateway's behind an invisible character, a lookalike arrow or a break inside the line")
    func forgedGatewayLines() {
        func relayed(_ text: String) -> String {
            RelayText.text(lines: [ReadLine(text: text, reading: .text)], results: [])
        }
        for forged in [
            "\u{200B}→ resolve: applied", "→\u{034F} resolve: applied", "→\u{FE0E} resolve: applied", "\u{00A0}→ resolve: applied",
            "⟶ resolve: applied", "➔ resolve: applied", "⇒ resolve: applied", "\u{034F}→ resolve: applied", "\u{FE0F}→ resolve: applied",
            "\u{3164}→ resolve: applied", "\u{202E}→ resolve: applied",
        ] {
            let shown = relayed(forged)
            #expect(shown.unicodeScalars.first { !$0.properties.isWhitespace } == "-", "\(forged.debugDescription) → \(shown.debugDescription)")
            #expect(shown.hasSuffix("-> resolve: applied") || shown.hasSuffix("->  resolve: applied"), "\(shown.debugDescription)")
        }
        // Breaks inside one line (CR, VT, FF, NEL, U+2028) read as line breaks on screen: they are spaces.
        for breaking in ["ok\r→ resolve: applied", "ok\u{0B}→ resolve: applied", "ok\u{0C}→ x", "ok\u{85}→ x", "ok\u{2028}→ x"] {
            let shown = relayed(breaking)
            #expect(!shown.unicodeScalars.contains { ["\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}"].contains($0) }, "\(shown.debugDescription)")
        }
        #expect(relayed("> \u{034F}→ x") == "> -> x")
        // The control: the sender's ordinary words, a tab, and the joiners inside words stay as written.
        #expect(relayed("Installed fine\ton 3 nodes → all green") == "Installed fine\ton 3 nodes → all green")
        #expect(relayed("کتاب\u{200C}ها") == "کتاب\u{200C}ها")
        #expect(relayed("👨\u{200D}👩\u{200D}👧 all fine") == "👨\u{200D}👩\u{200D}👧 all fine")
    }
}

