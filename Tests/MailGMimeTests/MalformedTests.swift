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
