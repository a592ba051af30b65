import MailGMime
import RolloutCore
import Testing

@Suite("Body text")
struct TextTests {
    @Test(
        "text decoded to UTF-8 from each charset",
        arguments: [
            ("encodings/quoted-printable-iso-8859-2-polish.eml", "Zażółć gęślą jaźń - test zakończony pomyślnie."),
            ("encodings/base64-windows-1252-french.eml", "Le coût estimé est de 20 € — « déjà prévu »."),
            ("encodings/utf-8-8bit-german.eml", "Die Größe der Änderung überrascht uns; Prüfung folgt."),
            ("encodings/iso-2022-jp-japanese.eml", "テストを開始します。"),
            ("replies/czech-dne-napsal-ggus-iso-8859-2.eml", "po aktualizaci nefunguje přenos přes GridFTP"),
            ("replies/outlook-german-urspruengliche-nachricht-reject.eml", "-----Ursprüngliche Nachricht-----"),
            ("replies/outlook-dutch-van-verzonden-accept.eml", "Verzonden: dinsdag 12 maart 2024 09:02"),
            ("replies/swedish-den-skrev-accept.eml", "Den 12 mars 2024 kl. 09:02 skrev"),
        ])
    func textPerCharset(path: String, line: String) throws {
        let message = try parseFixture(path)
        #expect(message.text.contains(line))
        #expect(!message.text.contains("\r"))
        #expect(message.defects.isEmpty)
    }

    @Test(
        "unknown or missing charsets are read best-effort and noted",
        arguments: [
            ("encodings/unknown-charset-x-foo.eml", "Grüße aus Karlsruhe", "unknown charset x-foo"),
            ("encodings/unknown-8bit-charset.eml", "Übermorgen vielleicht.", "unknown charset unknown-8bit"),
            ("encodings/missing-charset-8bit-latin1.eml", "Schöne Grüße", "8-bit text without charset"),
        ])
    func unknownCharsets(path: String, line: String, defect: String) throws {
        let message = try parseFixture(path)
        #expect(message.text.contains(line))
        #expect(message.defects.contains { $0.hasPrefix(defect) }, "\(message.defects)")
    }

    @Test("quoted-printable soft breaks are joined")
    func quotedPrintableSoftBreaks() throws {
        let message = try parseFixture("replies/outlook-top-posted-accept.eml")
        #expect(message.text.hasPrefix("accept NGI_IT-INFN-T1\n\nWe will install it on the test SE (se-test01.cnaf) tomorrow morning, the beta downtime"))
    }

    @Test("multipart/alternative: the text/plain part is chosen, not the HTML")
    func alternativePrefersPlain() throws {
        let message = try parseFixture("replies/gmail-on-wrote-accept.eml")
        #expect(!message.textFromHTML)
        #expect(message.text.hasPrefix("accept NGI_IT-INFN-T1\n\nThanks Mario"))
        #expect(message.text.contains("On Tue, Mar 12, 2024 at 9:02 AM Staged Rollout <staged-rollout@rollout.example.org>\nwrote:"))
        #expect(message.attachments.isEmpty)
    }

    @Test("format=flowed without DelSp: soft breaks joined with their space")
    func flowedDelSpNo() throws {
        let text = try parseFixture("flowed/thunderbird-flowed-delsp-no.eml").text
        #expect(text.contains("\nWe installed the new DPM head node and two disk servers on the testbed and ran the usual functional tests with lcg-cp and xrdcp; everything passed.\n"))
        #expect(text.contains("\n> Dear Early Adopters, a new release is ready for Staged Rollout and needs testing.\n"))
    }

    @Test("format=flowed with DelSp=yes: the marking space is removed")
    func flowedDelSpYes() throws {
        let text = try parseFixture("flowed/apple-mail-flowed-delsp-yes.eml").text
        #expect(text == "ggus 98765\n\nThe xrootd door crashes on startup, see the trace attached to the ticket; we will retest after the fix.\n")
    }

    @Test("format=flowed: space-stuffing removed, quote depths kept, signature separator intact")
    func flowedStuffedAndQuoted() throws {
        let text = try parseFixture("flowed/flowed-quoted-and-space-stuffed.eml").text
        #expect(text.hasPrefix("extend ea-NGI_DE-FZK-LCG2 3\nFrom now on please answer within the extended period.\n"))
        #expect(text.contains("\n> Pavel Weber wrote: we need more time because the test SE is being migrated.\n"))
        #expect(text.contains("\n>> original text that was also flowed.\n"))
        #expect(text.contains("\n-- \nMario David"))
    }

    @Test("HTML-only Gmail reply: the blockquote comes out quoted with '> '")
    func htmlGmailBlockquote() throws {
        let message = try parseFixture("html/html-only-gmail-blockquote-accept.eml")
        #expect(message.textFromHTML)
        let lines = message.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "accept NGI_IT-INFN-T1")
        #expect(lines.contains("Thanks Mario, installed on the test node."))
        // Gmail's div.gmail_quote holds the attribution too: it is quoted with the original.
        #expect(lines.contains("> On Tue, Mar 12, 2024 at 9:02 AM Staged Rollout <staged-rollout@rollout.example.org> wrote:"))
        #expect(lines.contains("> Please reply with accept <team> or reject <team> within 5 working days."))
        #expect(lines.contains("> Dear Early Adopters,"))
        #expect(!lines.contains("Dear Early Adopters,"))
    }

    @Test("HTML-only Outlook mail: head, style and script skipped, entities and charset decoded")
    func htmlOutlook() throws {
        let message = try parseFixture("html/html-only-outlook-reject-iso-8859-1.eml")
        #expect(message.textFromHTML)
        #expect(message.text.hasPrefix("reject ea-NGI_DE-FZK-LCG2\nLeider keine Kapazität diese Woche.\nGrüße, Pavel\n"))
        #expect(message.text.contains("\nGesendet: Dienstag, 12. März 2024 09:02\n"))
        #expect(!message.text.contains("MsoNormal"))
        #expect(!message.text.contains("alert"))
        #expect(!message.text.contains("Re: staged rollout"))  // <title>
    }

    @Test("nested blockquotes become '>' and '> >'")
    func htmlNestedQuotes() throws {
        let text = try parseFixture("html/html-only-nested-blockquotes-outcome.eml").text
        #expect(text == """
            outcome accept
            docid 1234
            On Mon, 18 Mar 2024, Paolo Veronesi wrote:
            > Report uploaded, all fine.
            > On Fri, 15 Mar 2024, Staged Rollout wrote:
            > > accept NGI_IT-INFN-T1
            > > Please upload the report.
            Mario

            """)
    }

    @Test("broken HTML is still read")
    func htmlBroken() throws {
        let message = try parseFixture("html/html-broken-markup-unclosed-tags.eml")
        #expect(message.text.hasPrefix("accept NGI_IT-INFN-T1\ndone & dusted\n"))
        #expect(message.text.contains("> quoted > text"))
    }

    @Test("a list footer in a separate part is not part of the text")
    func footerPartNotInText() throws {
        let message = try parseFixture("lists/mailman-reply-to-appended.eml")
        #expect(message.text == "ggus 98766\n\nOpened a ticket for the xrootd redirector problem.\n")
        #expect(message.attachments.isEmpty)
    }

    // MARK: Quote containers (issue 17)

    /// An HTML-only message with `html` as its body.
    private func html(_ html: String) -> InboundMessage {
        let raw = """
            From: Mario David <mario.david@lip.example.org>
            To: staged-rollout@rollout.example.org
            Subject: Re: [staged-rollout #12] Staged Rollout
            Message-ID: <html-quote@lip.example.org>
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: 8bit

            \(html)
            """
        return parser.parse(Array(raw.utf8))
    }

    /// The commands the core reads from an HTML-only message.
    private func commands(_ message: InboundMessage) -> [Command] {
        ReplyText(message.text).readLines.compactMap {
            if case .command(let command) = $0.reading { return command }
            return nil
        }
    }

    @Test(
        "what a quote container holds is quoted, whatever <br>, <p>, <div>, <hr> or U+2028 it holds",
        arguments: [
            #"<blockquote type="cite">All fine.<br>resolve</blockquote>"#,
            #"<blockquote>All fine.<p>resolve</p></blockquote>"#,
            #"<blockquote><div>All fine.</div><div>resolve</div></blockquote>"#,
            #"<blockquote>All fine.<hr>resolve</blockquote>"#,
            "<blockquote>All fine.&#x2028;resolve</blockquote>",
            "<blockquote>All fine.\u{2028}resolve</blockquote>",
            "<blockquote><pre>All fine.\r\nresolve</pre></blockquote>",
            #"<div class="gmail_quote">On Mon, Paolo wrote:<br>All fine.<br>resolve</div>"#,
            #"<div class="gmail_quote_container"><div>All fine.</div><div>resolve</div></div>"#,
            #"<div class="moz-cite-prefix">All fine.<br>resolve</div>"#,
            #"<div class="yahoo_quoted"><div>All fine.</div>resolve</div>"#,
            #"<div id="divRplyFwdMsg"><b>Od:</b> Paolo</div><div>All fine.</div><div>resolve</div>"#,
            #"<div id="appendonsend"></div><hr><div>All fine.</div><div>resolve</div>"#,
        ])
    func quoteContainers(quoted: String) {
        let message = html("<html><body><div>outcome accept</div>\(quoted)</body></html>")
        #expect(message.textFromHTML)
        let lines = message.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "outcome accept")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(">") }, "\(lines)")
        #expect(commands(message) == [.outcome(.accept)], "the command above the quote is read, the one inside is not")
    }

    @Test("nested quote levels are written '> > ', a container inside a blockquote adds no level")
    func nestedLevels() {
        let message = html(#"<p>hi</p><blockquote>a<blockquote>b<br>c</blockquote><div class="gmail_quote">d</div></blockquote>"#)
        #expect(message.text == "hi\n> a\n> > b\n> > c\n> d\n")
    }

    @Test("control: the command above the blockquote is read, and text after the quote is new again")
    func textAfterQuote() {
        let message = html("<div>Hi,</div><div>resolve</div><blockquote>outcome reject<br>docid 9</blockquote><div>docid 1234</div>")
        #expect(commands(message) == [.resolve, .docid("1234")])
    }

    @Test("only LF and CRLF end a line: a lone CR, VT, FF, NEL, U+2028 and U+2029 stay inside the quoted line")
    func lineBreaksInsideQuotedLine() {
        for separator in ["\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"] {
            let raw = "From: m@lip.example.org\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nThanks.\r\n> All fine.\(separator)resolve\r\n"
            let message = parser.parse(Array(raw.utf8))
            #expect(message.text == "Thanks.\n> All fine.\(separator)resolve\n")
            #expect(ReplyText(message.text).readLines.allSatisfy { $0.reading.isConversation })
        }
    }
}
