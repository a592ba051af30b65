import RolloutCore
import Testing

@Suite("Reply text: new text and commands, old text cut")
struct ReplyTextTests {

    private let accept = Command.accept(team: "NGI_IT-INFN-T1")

    // MARK: Quotes

    @Test("A top-posted accept above a Gmail quote is a command; the quoted accept is not")
    func gmailTopPost() {
        // Given
        let text = """
            accept NGI_IT-INFN-T1

            Thanks, Mario

            On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:
            > Dear EA team,
            > please answer with
            > accept NGI_IT-INFN-T1
            > or
            > reject NGI_IT-INFN-T1
            """
        // When
        let reply = ReplyText(text)
        // Then
        #expect(replyCommands(text) == [accept])
        #expect(reply.newLines == ["accept NGI_IT-INFN-T1", "", "Thanks, Mario", ""])
        #expect(reply.cuts.map(\.reason) == [.attribution])
        #expect(reply.cuts.first?.text.last == "> reject NGI_IT-INFN-T1")
    }

    @Test("A bottom-posted accept below the quote is a command (mutt)")
    func bottomPost() {
        let text = """
            On Mon, Nov 30, 2026 at 03:02:11PM +0100, Staged Rollout wrote:
            > Please answer with accept or reject and the team name:
            >
            > > reject NGI_IT-INFN-T1

            accept NGI_IT-INFN-T1
            """
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).newLines == ["", "accept NGI_IT-INFN-T1"])
    }

    @Test("Inline replies: unquoted lines between quotes are new text, quoted commands are not")
    func inlineReply() {
        let text = """
            > Which teams should test it?
            assign NGI_DE-KIT NGI_IT-INFN-T1
            >> resolve
            > And the report?
              docid 1234
            > outcome reject
            """
        #expect(replyCommands(text) == [.assign(teams: ["NGI_DE-KIT", "NGI_IT-INFN-T1"]), .docid("1234")])
        #expect(ReplyText(text).cuts.map(\.reason) == [.quote, .quote, .quote])
    }

    @Test("Quotes with blanks before the marker and at any depth are cut")
    func indentedQuotes() {
        let text = "  > accept NGI_IT-INFN-T1\n\t>> > reject NGI_IT-INFN-T1\nok"
        #expect(ReplyText(text).newLines == ["ok"])
    }

    // MARK: Attributions

    @Test(
        "Attribution lines in every language cut the quote they introduce",
        arguments: [
            "On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:",
            "On 30 Nov 2026, at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:",  // Apple Mail
            "On 30/11/2026 15:02, Staged Rollout wrote:",  // Thunderbird
            "Am 30.11.2026 um 15:02 schrieb Staged Rollout:",  // Thunderbird DE
            "Am Mo., 30. Nov. 2026 um 15:02 Uhr schrieb Staged Rollout <staged-rollout@rollout.example.org>:",  // Gmail DE
            "Le lun. 30 nov. 2026 à 15:02, Staged Rollout <staged-rollout@rollout.example.org> a écrit :",  // Gmail FR
            "Le 30/11/2026 à 15:02, Staged Rollout a\u{A0}écrit\u{A0}:",  // Thunderbird FR, no-break spaces
            "Il giorno lun 30 nov 2026 alle ore 15:02 Staged Rollout <staged-rollout@rollout.example.org> ha scritto:",
            "Il 30/11/2026 15:02, Staged Rollout ha scritto:",
            "El lun, 30 nov 2026 a las 15:02, Staged Rollout (<staged-rollout@rollout.example.org>) escribió:",
            "W dniu 30.11.2026 o 15:02, Staged Rollout pisze:",
            "W dniu 30.11.2026 o 15:02, Staged Rollout napisał(a):",
            "pon., 30 lis 2026 o 15:02 Staged Rollout <staged-rollout@rollout.example.org> napisał(a):",  // Gmail PL
            "Dne 30. 11. 2026 v 15:02 Staged Rollout napsal(a):",
            "Op ma 30 nov. 2026 om 15:02 schreef Staged Rollout <staged-rollout@rollout.example.org>:",
            "Den mån 30 nov. 2026 kl 15:02 skrev Staged Rollout <staged-rollout@rollout.example.org>:",
            "Mario Rossi/INFN wrote on 30/11/2026 15:02:",  // Lotus Notes
            "Staged Rollout wrote:",  // old Thunderbird, directly above the quote
            "* Staged Rollout <staged-rollout@rollout.example.org> [2026-11-30 15:02]:",  // mutt, custom
        ])
    func attributionForms(attribution: String) {
        // Given
        let text = "reject NGI_IT-INFN-T1\n\n\(attribution)\n> accept NGI_IT-INFN-T1\n\nKind regards"
        // When
        let reply = ReplyText(text)
        // Then
        #expect(replyCommands(text) == [.reject(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.map(\.reason) == [.attribution])
        #expect(reply.cuts.first?.text.first == attribution)
        #expect(reply.newLines.last == "Kind regards", "the text below the quote stays new")
    }

    @Test(
        "An attribution wrapped over two lines is cut with the quote",
        arguments: [
            ("On Mon, Nov 30, 2026 at 3:02 PM Mario Rossi <", "mario.rossi@cnaf.infn.it> wrote:"),
            ("Am Mo., 30. Nov. 2026 um 15:02 Uhr schrieb Mario Rossi <", "mario.rossi@cnaf.infn.it>:"),
            ("Le lun. 30 nov. 2026 à 15:02, Mario Rossi <mario.rossi@cnaf.infn.it> a", "écrit :"),
        ])
    func wrappedAttribution(first: String, second: String) {
        let text = "accept NGI_IT-INFN-T1\n\(first)\n\(second)\n> reject NGI_IT-INFN-T1\n> resolve"
        let reply = ReplyText(text)
        #expect(reply.newLines == ["accept NGI_IT-INFN-T1"])
        #expect(reply.cuts.map(\.text) == [[first, second, "> reject NGI_IT-INFN-T1", "> resolve"]])
    }

    @Test("An attribution without a quote below (quotes lost in HTML) cuts everything below it")
    func attributionWithoutQuote() {
        let text = """
            accept NGI_IT-INFN-T1

            On Mon, 30 Nov 2026 at 15:02, Staged Rollout <staged-rollout@rollout.example.org> wrote:

            Dear EA team, please answer with
            reject NGI_IT-INFN-T1
            """
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.map(\.reason) == [.attribution])
    }

    @Test("A sentence ending in 'wrote:' without a quote, address or time below it is new text")
    func closingFormWithoutQuote() {
        let text = "As Mario wrote:\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.isEmpty)
    }

    // MARK: Outlook, Exchange, Lotus Notes

    @Test(
        "Outlook's Original Message separators end the new text",
        arguments: [
            "-----Original Message-----", "-----Ursprüngliche Nachricht-----", "-----Message d'origine-----",
            "-----Messaggio originale-----", "-----Mensaje original-----", "-----Oorspronkelijk bericht-----",
            "-----Ursprungligt meddelande-----", "-----Wiadomość oryginalna-----", "-----Původní zpráva-----",
            "----- Original Message -----", "-------- Original Message --------",
            "---------- Forwarded message ---------", "-------- Weitergeleitete Nachricht --------",
            "Begin forwarded message:",
        ])
    func originalMessageSeparators(separator: String) {
        let text = """
            accept NGI_IT-INFN-T1
            \(separator)
            From: Staged Rollout [mailto:staged-rollout@rollout.example.org]
            reject NGI_IT-INFN-T1
            """
        let reply = ReplyText(text)
        #expect(replyCommands(text) == [accept])
        #expect(reply.cuts.count == 1)
        #expect(reply.cuts.first?.text.first == separator)
    }

    @Test(
        "An Outlook header block without separator, in every language, ends the new text",
        arguments: [
            ("From", "Sent", "To", "Subject"),
            ("Von", "Gesendet", "An", "Betreff"),
            ("De", "Envoyé", "À", "Objet"),
            ("Da", "Inviato", "A", "Oggetto"),
            ("De", "Enviado", "Para", "Asunto"),
            ("Od", "Wysłano", "Do", "Temat"),
            ("Od", "Odesláno", "Komu", "Předmět"),
            ("Van", "Verzonden", "Aan", "Onderwerp"),
            ("Från", "Skickat", "Till", "Ämne"),
        ])
    func headerBlocks(from: String, sent: String, to: String, subject: String) {
        let text = """
            reject NGI_IT-INFN-T1
            We have no SL5 node left.

            Mario

            \(from): Staged Rollout <staged-rollout@rollout.example.org>
            \(sent): Monday, 30 November 2026 15:02
            \(to): ea-NGI_IT-INFN-T1 <ea-it@cnaf.infn.it>
            \(subject): [staged-rollout #42] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64

            Please answer with
            accept NGI_IT-INFN-T1
            """
        let reply = ReplyText(text)
        #expect(replyCommands(text) == [.reject(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.map(\.reason) == [.headerBlock])
        #expect(reply.newLines.last == "")
    }

    @Test("New Outlook: an underscore line, bold header names from HTML, then the original")
    func outlookUnderscoreBlock() {
        let text = """
            accept NGI_IT-INFN-T1

            ________________________________
            *From:* Staged Rollout <staged-rollout@rollout.example.org>
            *Sent:* Monday, November 30, 2026 3:02 PM
            *To:* Mario Rossi <mario.rossi@cnaf.infn.it>
            *Subject:* [staged-rollout #42] Staged Rollout CA 1.38

            reject NGI_IT-INFN-T1
            """
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.first?.text.first == "________________________________")
    }

    @Test("GMX-style block starting with the date (Gesendet, Von, An, Betreff)")
    func webmailBlockStartingWithDate() {
        let text = """
            accept NGI_DE-KIT

            Gesendet: Montag, 30. November 2026 um 15:02 Uhr
            Von: "Staged Rollout" <staged-rollout@rollout.example.org>
            An: ea-de@kit.edu
            Betreff: [staged-rollout #42] Staged Rollout CA 1.38
            resolve
            """
        #expect(replyCommands(text) == [.accept(team: "NGI_DE-KIT")])
    }

    @Test("A single 'To:' line in the new text is not a header block")
    func singleHeaderLikeLine() {
        let text = "To: whom it may concern\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.isEmpty)
    }

    @Test("Lotus Notes: the header table after a Sent by cell, forwarded-by lines and the tab table")
    func lotusNotes() {
        let sentBy = """
            accept NGI_IT-INFN-T1



            Mario Rossi/INFN@INFN
            Sent by: owner-ea@cnaf.infn.it
            30/11/2026 15:02

            To
            ea-it@cnaf.infn.it
            cc

            Subject
            [staged-rollout #42] Staged Rollout CA 1.38

            reject NGI_IT-INFN-T1
            """
        #expect(replyCommands(sentBy) == [accept])
        #expect(ReplyText(sentBy).cuts.first?.text.first == "Mario Rossi/INFN@INFN")

        let forwarded = """
            accept NGI_IT-INFN-T1
            ----- Forwarded by Mario Rossi/INFN on 30/11/2026 15:02 -----
            reject NGI_IT-INFN-T1
            """
        #expect(replyCommands(forwarded) == [accept])
        #expect(ReplyText(forwarded).cuts.map(\.reason) == [.forwarded])

        let table = "accept NGI_IT-INFN-T1\n\nFrom:\tStaged Rollout/EGI\nTo:\tea-it@cnaf.infn.it\ncc:\t\nSubject:\t[staged-rollout #42]\n\nresolve"
        #expect(replyCommands(table) == [accept])
        #expect(ReplyText(table).cuts.map(\.reason) == [.headerBlock])
    }

    // MARK: Signatures and footers

    @Test("A signature's lines are not commands", arguments: ["-- ", "--"])
    func signature(separator: String) {
        let text = "accept NGI_IT-INFN-T1\n\(separator)\nMario Rossi, INFN-T1\nresolve\n"
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.map(\.reason) == [.signature])
    }

    @Test("Mailman's footer ends the new text; a plain underscore rule does not")
    func mailmanFooter() {
        let text = """
            > Who takes it?
            accept NGI_IT-INFN-T1
            _______________________________________________
            Early-adopters-emi mailing list -- early-adopters-emi@lists.egi.eu
            To unsubscribe send an email to early-adopters-emi-leave@lists.egi.eu
            """
        let reply = ReplyText(text)
        #expect(replyCommands(text) == [accept])
        #expect(reply.cuts.map(\.reason) == [.quote, .listFooter])

        let rule = "__________\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(rule) == [accept])
    }

    @Test("Google Groups' footer after '-- ' is a list footer")
    func googleGroupsFooter() {
        let text = """
            accept NGI_IT-INFN-T1

            -- 
            You received this message because you are subscribed to the Google Groups "EA IT" group.
            To unsubscribe from this group and stop receiving emails from it, send an email to ea-it+unsubscribe@googlegroups.com.
            """
        #expect(replyCommands(text) == [accept])
        #expect(ReplyText(text).cuts.map(\.reason) == [.listFooter])
    }

    // MARK: Whole messages

    @Test("Outlook top-post with CRLF line ends: only the top line counts")
    func outlookCRLF() {
        let text = "Accept NGI_IT-INFN-T1.\r\n\r\nMario\r\n\r\n-----Original Message-----\r\nFrom: Staged Rollout\r\nSent: Monday\r\nTo: Mario\r\nSubject: x\r\n\r\naccept NGI_DE-KIT\r\n"
        #expect(replyCommands(text) == [accept])
    }

    @Test("A reply of only quoted text has no commands and no new lines but blanks")
    func onlyQuote() {
        let text = "On Mon, 30 Nov 2026 at 15:02, Staged Rollout <s@r.example.org> wrote:\n> accept NGI_IT-INFN-T1\n"
        #expect(replyCommands(text).isEmpty)
        #expect(ReplyText(text).newLines.allSatisfy { $0.isEmpty })
    }

    @Test("Text without any old text is all new")
    func allNew() {
        let text = "escalate\nextend all 5\nI cannot accept this yet"
        #expect(ReplyText(text).newLines == ["escalate", "extend all 5", "I cannot accept this yet"])
        #expect(replyCommands(text) == [.escalate, .extend(team: nil, days: 5)])
    }
}
