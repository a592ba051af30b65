import MailGMime
import RolloutCore
import Testing

@Suite("Malformed mail")
struct MalformedTests {
    @Test(
        "each broken message yields its defect and whatever text it has",
        arguments: [
            ("malformed/truncated-mid-part.eml", "truncated message", "accept NGI_IT-INFN-T1"),
            ("malformed/missing-boundary-parameter.eml", "missing MIME boundary", "accept NGI_IT-INFN-T1"),
            ("malformed/boundary-not-in-body.eml", "parts recovered without the declared boundary", "accept NGI_IT-INFN-T1"),
            ("malformed/nul-bytes.eml", "NUL bytes in message", "accept NGI_IT-INFN-T1\ndocid 1234"),
            ("malformed/no-message-id.eml", "missing Message-ID", "accept NGI_IT-INFN-T1"),
            ("malformed/garbage-header-lines.eml", "invalid header name", "accept NGI_IT-INFN-T1"),
            ("malformed/header-only.eml", "truncated message", ""),
            ("malformed/binary-junk.eml", "not a MIME message", ""),
            ("malformed/empty-file.eml", "empty message", ""),
        ])
    func defects(path: String, defect: String, text: String) throws {
        let message = try parseFixture(path)
        #expect(message.defects.contains(defect), "\(message.defects)")
        #expect(text.isEmpty || message.text.contains(text))
    }

    @Test("a truncated attachment keeps the bytes that arrived")
    func truncatedAttachment() throws {
        let message = try parseFixture("malformed/truncated-mid-part.eml")
        let attachment = try #require(message.attachments.first)
        #expect(attachment.fileName == "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt")
        #expect(Array(attachment.bytes[30..<38]) == Array("mimetype".utf8))
    }

    @Test("broken base64 decodes leniently instead of failing")
    func brokenBase64() throws {
        let message = try parseFixture("malformed/broken-base64-attachment.eml")
        #expect(message.attachments.first?.fileName == "report.odt")
        #expect(message.attachments.first?.bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) == true)
        #expect(message.text == "Report attached.\n")
    }

    @Test("message/rfc822 nesting is read five levels deep, then noted")
    func nestingBounded() throws {
        var message = try parseFixture("malformed/rfc822-nested-seven-deep.eml")
        var depth = 0
        while let inner = message.embeddedMessages.first {
            message = inner
            depth += 1
        }
        #expect(depth == 5)
        #expect(message.headers.subject == "nested level 6")
        #expect(message.defects.contains("embedded messages nested deeper than 5"))
    }

    @Test("a NUL in a header ends that header's value, the rest of the message is read")
    func nulInHeader() throws {
        let message = try parseFixture("malformed/nul-bytes.eml")
        #expect(message.headers.subject.hasPrefix("Re: [staged-rollout #12] nul"))
        #expect(message.headers.messageID == "nul-bytes@cnaf.example.org")
        #expect(message.defects.contains("NUL bytes in text"))
    }
}

@Suite("Hostile structure")
struct HostileStructureTests {
    private func message(contentType: String, body: String) -> [UInt8] {
        Array(
            """
            From: attacker@example.org
            To: staged-rollout@rollout.example.org
            Subject: deep
            Message-ID: <deep@example.org>
            MIME-Version: 1.0
            Content-Type: \(contentType)

            \(body)
            """.utf8)
    }

    @Test("100,000 nested HTML elements neither overflow the stack nor hide the text before them")
    func deepHTML() {
        let body = "<p>accept NGI_IT-INFN-T1</p>" + String(repeating: "<div>", count: 100_000) + "deep text"
        let parsed = parser.parse(message(contentType: "text/html", body: body))
        #expect(parsed.text.hasPrefix("accept NGI_IT-INFN-T1\n"))
        #expect(parsed.textFromHTML)
    }

    @Test("10,000 nested multiparts neither overflow the stack nor go unnoticed")
    func deepMultipart() {
        var body = "--b0\nContent-Type: text/plain\n\naccept NGI_IT-INFN-T1\n"
        for level in 1...10_000 {
            body += "--b\(level - 1)\nContent-Type: multipart/mixed; boundary=\"b\(level)\"\n\n"
        }
        let parsed = parser.parse(message(contentType: "multipart/mixed; boundary=\"b0\"", body: body))
        #expect(parsed.text.hasPrefix("accept NGI_IT-INFN-T1"))
        #expect(parsed.defects.contains("MIME nesting too deep"), "\(parsed.defects)")
    }

    @Test("a header of a megabyte and 5,000 recipients parse")
    func hugeHeaders() {
        let recipients = (0..<5_000).map { "Member \($0) <member\($0)@example.org>" }.joined(separator: ",\n ")
        let raw = Array(
            """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>
            To: \(recipients)
            Subject: \(String(repeating: "x", count: 1_000_000))
            Message-ID: <huge@example.org>

            accept NGI_IT-INFN-T1

            """.utf8)
        let parsed = parser.parse(raw)
        #expect(parsed.headers.to.count == 5_000)
        #expect(parsed.headers.subject.count == 1_000_000)
        #expect(parsed.text == "accept NGI_IT-INFN-T1\n")
    }

    @Test("many threads parse the corpus at once")
    func concurrentParsing() async throws {
        let corpus = try Fixtures.allMailPaths().map { try Fixtures.mail($0) }
        let expected = corpus.map { parser.parse($0) }
        let results = await withTaskGroup(of: [InboundMessage].self) { group in
            for _ in 0..<8 {
                group.addTask { corpus.map { parser.parse($0) } }
            }
            var all: [[InboundMessage]] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results {
            #expect(result == expected)
        }
    }
}
