import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

@Suite("Composing outbound mail")
struct MailComposerTests {
    let composer = MailComposer(
        from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: GMimeMessageWriter())

    func compose(subject: String, body: String = "Hello", to: [String] = ["a@example.org"], threadRoot: String? = nil) -> String {
        var draft = MailComposer.Draft(
            to: to.map(EmailAddress.init), subject: subject, body: body, messageID: "m1@rollout.example.org", ticket: TicketID(7),
            date: Date(timeIntervalSince1970: 1_795_788_000))  // 2026-11-27 15:00 in Amsterdam
        draft.bulk = false
        draft.threadRoot = threadRoot
        return String(decoding: composer.compose(draft), as: UTF8.self)
    }

    @Test("nothing from a ticket can add a header")
    func noHeaderInjection() {
        let mail = compose(subject: "Staged Rollout X\r\nBcc: victim@example.org\nX-Evil: 1", to: ["a@example.org\r\nBcc: b@example.org"])
        let head = mail.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("\r\nBcc:"))
        #expect(!head.contains("\nX-Evil"))
        #expect(head.components(separatedBy: "\r\n").allSatisfy { !$0.hasPrefix("Bcc") })
    }

    @Test("a literal encoded word in a subject is written as text, never as a word that decodes to a line break")
    func literalEncodedWord() {
        let evil = "=?utf-8?b?DQpCY2M6IGV2aWxAeC5jb20=?="  // CR LF "Bcc: evil@x.com"
        for subject in ["Not processed: [sr #1] \(evil) wrote", "Not processed: Réponse \(evil)"] {
            let mail = compose(subject: subject)
            let decoded = parser.parse(Array(mail.utf8)).headers.subject
            #expect(!decoded.contains("\r") && !decoded.contains("\n") && !decoded.contains("Bcc"), "\(decoded.debugDescription)")
            #expect(decoded.contains("= ?utf-8?b?DQpCY2M6IGV2aWxAeC5jb20= ?="), "\(decoded.debugDescription)")
        }
        // The control: in an address `=?` is allowed and stays as written.
        #expect(compose(subject: "x", to: ["a=?b@x.example"]).header("To") == "a=?b@x.example")
    }

    @Test("non-ASCII subjects become encoded words; bodies quoted-printable")
    func encoding() {
        let mail = compose(subject: "Réponse de l'équipe Ł", body: "Zażółć gęślą jaźń\n.\nend")
        #expect(mail.header("Subject")?.hasPrefix("=?UTF-8?B?") == true)
        #expect(mail.header("Subject").map(decodeEncodedWords) == "Réponse de l'équipe Ł")
        #expect(mail.contains("Za=C5=BC=C3=B3=C5=82=C4=87"))
        #expect(mail.contains("\r\n=2E\r\n"))  // a lone dot never reaches SMTP as the end of data
        #expect(mail.header("Content-Transfer-Encoding") == "quoted-printable")
    }

    @Test("a message of a ticket refers to the recipient's thread root; the root itself refers to nothing")
    func threading() {
        let root = composer.threadRoot(of: TicketID(7), for: EmailAddress("a@example.org"))
        #expect(root.hasPrefix("rg.7.thread.") && root.hasSuffix("@rollout.example.org"))
        #expect(root == composer.threadRoot(of: TicketID(7), for: EmailAddress("A@Example.org")), "one root per address, whatever its case")
        #expect(root != composer.threadRoot(of: TicketID(7), for: EmailAddress("b@example.org")))
        #expect(root.count == composer.threadRoot(of: TicketID(7), for: EmailAddress("someone.else@elsewhere.example.org")).count)
        let mail = compose(subject: "x", threadRoot: root)
        #expect(mail.header("In-Reply-To") == "<\(root)>")
        #expect(mail.header("References") == "<\(root)>")
        let first = compose(subject: "x")
        #expect(first.header("In-Reply-To") == nil && first.header("References") == nil)
    }
}

@Suite("GMime message writer")
struct GMimeMessageWriterTests {
    let writer = GMimeMessageWriter()
    let parser = GMimeMailParser()

    func message(
        from: Mailbox = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org")),
        to: [String] = ["paolo.veronesi@cnaf.example.org"], subject: String = "Hello", references: [String] = [],
        replyTo: Mailbox? = nil, extraHeaders: [(String, String)] = [], body: String = "Hello\n"
    ) -> MailMessage {
        MailMessage(
            from: from, to: to.map(EmailAddress.init), subject: subject, date: Date(timeIntervalSince1970: 1_795_788_000),
            messageID: "rollout-7-notify-1@rollout.example.org", references: references, replyTo: replyTo ?? from,
            extraHeaders: extraHeaders, body: body)
    }

    func written(_ message: MailMessage) -> String {
        String(decoding: writer.write(message), as: UTF8.self)
    }

    @Test("a message written and parsed back by GMime: names, subject, IDs, references and body are unchanged")
    func roundTrip() throws {
        let from = Mailbox(name: "Équipe Staged Rollout — Łódź", address: EmailAddress("staged-rollout@rollout.example.org"))
        let replyTo = Mailbox(name: "Zażółć \"gęślą\" jaźń, O'Brien (ops)", address: EmailAddress("staged-rollout+t7-abc@rollout.example.org"))
        let subject = "[staged-rollout #7] Réponse de l'équipe Ł — Zażółć gęślą jaźń, rapport de Zürich über Würzburg 日本語"
        let body = "Zażółć gęślą jaźń\n.\n..leading dots\nFrom the top\nx = y \ntrailing tab\t\n\n" + String(repeating: "é", count: 100) + "\nend"
        let original = message(
            from: from, to: ["paolo.veronesi@cnaf.example.org", "pavel.weber@kit.example.org"], subject: subject,
            references: ["ticket-7@rollout.example.org", "reply-1@cnaf.example.org"], replyTo: replyTo,
            extraHeaders: [("Auto-Submitted", "auto-generated"), ("X-Loop", "staged-rollout@rollout.example.org")], body: body)
        let raw = writer.write(original)
        #expect(raw.allSatisfy { $0 < 0x80 })  // everything non-ASCII is encoded

        let parsed = parser.parse(raw)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.headers.from == [from])
        #expect(parsed.headers.replyTo == [replyTo])
        #expect(parsed.headers.to.map(\.address) == original.to)
        #expect(parsed.headers.subject == subject)
        #expect(parsed.headers.messageID == "rollout-7-notify-1@rollout.example.org")
        #expect(parsed.headers.inReplyTo == ["reply-1@cnaf.example.org"])
        #expect(parsed.headers.references == ["ticket-7@rollout.example.org", "reply-1@cnaf.example.org"])
        #expect(parsed.headers.autoSubmitted == "auto-generated")
        #expect(parsed.headers.loops == ["staged-rollout@rollout.example.org"])
        #expect(parsed.headers.date == "Fri, 27 Nov 2026 14:00:00 +0000")
        #expect(parsed.text.replacingOccurrences(of: "\r\n", with: "\n") == body + "\n")
    }

    /// GMime 3.2.13 writes a long run of non-ASCII text as several base64 encoded words, each self-contained as
    /// RFC 2047 requires; its own decoder loses the text after a word that ends in `=` padding when the next word
    /// has the same charset (jstedfast/gmime#133). Other mail readers decode these headers; this test fails as
    /// soon as the installed GMime decodes them right, so that the note can go.
    @Test("a long non-ASCII subject: GMime 3.2.13 cannot read back the encoded words it wrote")
    func adjacentBase64WordsKnownIssue() {
        let subject = Array(repeating: "日本語のテキスト", count: 4).joined(separator: " ")
        let raw = writer.write(message(subject: subject))
        let header = String(decoding: raw, as: UTF8.self).header("Subject")
        #expect(header.map(decodeEncodedWords) == subject)  // the words themselves are right
        withKnownIssue("GMime 3.2.13 decodes adjacent padded base64 words wrongly (jstedfast/gmime#133)") {
            #expect(parser.parse(raw).headers.subject == subject)
        }
    }

    @Test("every line ends in CRLF, body lines stay within 76 characters and none starts with a dot")
    func linesAndDots() {
        let dots = String(repeating: ".", count: 200)
        let body = ".\n" + dots + "\n.x\r\n" + String(repeating: "a", count: 74) + ".." + "\n." + String(repeating: "=", count: 40) + "\n."
        let mail = written(message(body: body))
        let bytes = Array(mail.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
        }
        let bodyLines = mail.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").components(separatedBy: "\r\n")
        #expect(bodyLines.allSatisfy { $0.utf8.count <= 76 })
        #expect(bodyLines.allSatisfy { !$0.hasPrefix(".") })
        #expect(mail.contains("\r\n\r\n=2E\r\n"))
        #expect(parser.parse(Array(mail.utf8)).text.replacingOccurrences(of: "\r\n", with: "\n") == body.replacingOccurrences(of: "\r\n", with: "\n") + "\n")
    }

    @Test("control characters in any header value become spaces; header names cannot carry a colon")
    func controlCharacters() {
        let from = Mailbox(name: "Team\r\nBcc: a@example.org\u{2028}X-A: 1\u{85}", address: EmailAddress("staged-rollout@rollout.example.org"))
        let mail = written(
            message(
                from: from, subject: "s\u{0}\u{7F}\u{1B}", references: ["t@x\r\nBcc: c@example.org"],
                extraHeaders: [("X-Loop", "gw@example.org\r\nBcc: d@example.org"), ("X-Bad: Bcc", "e@example.org")]))
        let head = mail.components(separatedBy: "\r\n\r\n")[0]
        let names = head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }.map {
            String($0.prefix { $0 != ":" })
        }
        #expect(!names.contains { $0.lowercased() == "bcc" || $0.lowercased() == "x-a" })
        #expect(names.contains("X-Bad--Bcc"))
        #expect(head.utf8.allSatisfy { $0 == 0x0D || $0 == 0x0A || $0 == 0x09 || (0x20..<0x7F).contains($0) })
        let parsed = parser.parse(Array(mail.utf8))
        #expect(parsed.headers.from.first?.name?.contains("Bcc: a@example.org") == true)
        #expect(parsed.headers.loops.first?.hasPrefix("gw@example.org") == true)
    }

    @Test("extra headers keep their order, after the threading headers")
    func extraHeaderOrder() {
        let mail = written(
            message(
                references: ["ticket-7@rollout.example.org"],
                extraHeaders: [("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All"), ("X-Loop", "gw@example.org"), ("Precedence", "bulk")]))
        let names = mail.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n").map { String($0.prefix { $0 != ":" }) }
        let order = ["In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Loop", "Precedence"]
        #expect(names.filter(order.contains) == order)
        #expect(mail.header("X-Auto-Response-Suppress") == "All")
        #expect(mail.header("Precedence") == "bulk")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.header("MIME-Version") == "1.0")
    }
}

/// Decodes a header value made of RFC 2047 `B` encoded words in UTF-8 (whitespace between words dropped).
private func decodeEncodedWords(_ value: String) -> String? {
    var bytes: [UInt8] = []
    for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
        guard word.lowercased().hasPrefix("=?utf-8?b?"), word.hasSuffix("?=") else { return nil }
        guard let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
        bytes += data
    }
    return String(bytes: bytes, encoding: .utf8)
}

extension String {
    /// The value of a header in a raw message (first occurrence, unfolded).
    fileprivate func header(_ name: String) -> String? {
        let head = components(separatedBy: "\r\n\r\n").first ?? ""
        var value: String?
        for line in head.components(separatedBy: "\r\n") {
            if let current = value {
                if line.first == " " || line.first == "\t" { value = current + line; continue }
                return current
            }
            if line.lowercased().hasPrefix(name.lowercased() + ":") {
                value = String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        return value
    }
}
