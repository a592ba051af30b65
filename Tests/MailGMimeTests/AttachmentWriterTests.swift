import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// Files in outgoing mail (issue 21 #1, the report bundle answering `bundle`): multipart/mixed, the text first, each
/// file a base64 part whose name is RFC 2231-encoded when it is not ASCII; read back by GMime and by Python's `email`.
@Suite("Attachments in outgoing mail")
struct AttachmentWriterTests {
    let writer = GMimeMessageWriter()

    func message(body: String = "The bundle is attached.\n", files: [MailAttachment]) -> MailMessage {
        let from = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))
        var message = MailMessage(
            from: from, to: [EmailAddress("mario.david@lip.example.org")], subject: "bundle", date: Date(timeIntervalSince1970: 1_795_788_000),
            messageID: "m1@rollout.example.org", references: [], replyTo: from, extraHeaders: [], body: body)
        message.attachments = files
        return message
    }

    /// Every byte value, and a line that starts with a dot: base64 must carry both unchanged.
    static let bytes = (0...255).map(UInt8.init) + Array("\r\n.\r\nend".utf8)

    @Test("multipart/mixed: the text part, then a base64 part with its name; GMime reads back the same bytes and name")
    func asciiName() throws {
        let data = writer.write(message(files: [MailAttachment(fileName: "bundle-12.zip", contentType: "application/zip", bytes: Self.bytes)]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("Content-Type: multipart/mixed"))
        #expect(text.contains("Content-Type: application/zip"))
        #expect(text.contains("Content-Transfer-Encoding: base64"))
        #expect(text.contains("filename=bundle-12.zip") || text.contains("filename=\"bundle-12.zip\""))
        let parsed = GMimeMailParser().parse(data)
        #expect(parsed.text.contains("The bundle is attached."))
        #expect(parsed.attachments.map(\.fileName) == ["bundle-12.zip"])
        #expect(parsed.attachments.first?.bytes == Self.bytes)
    }

    @Test("a name that is not ASCII is RFC 2231-encoded, and a name cannot add a header")
    func rfc2231Name() throws {
        let name = "Bericht-Jülich-€.zip"
        let data = writer.write(
            message(files: [
                MailAttachment(fileName: name, contentType: "application/zip", bytes: [1, 2, 3]),
                MailAttachment(fileName: "x.zip\r\nBcc: victim@example.org", contentType: "application/zip\r\nX-Evil: 1", bytes: [4]),
            ]))
        let text = String(decoding: data, as: UTF8.self)
        // RFC 2231 (GMime picks the smallest charset that holds the name: here ISO-8859-15), never a raw 8-bit name.
        #expect(text.contains("filename*="))
        #expect(data.allSatisfy { $0 < 0x80 })
        #expect(!text.contains("\r\nBcc:") && !text.contains("\r\nX-Evil"))
        let parsed = GMimeMailParser().parse(data)
        #expect(parsed.attachments.map(\.fileName) == [name, "x.zip  Bcc: victim@example.org"])
        #expect(parsed.attachments.map(\.bytes) == [[1, 2, 3], [4]])

        // An independent reader: Python's email package.
        let path = NSTemporaryDirectory() + "attachment-\(UUID().uuidString).eml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(data).write(to: URL(fileURLWithPath: path))
        let script = """
            import email, email.policy, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            print([ (p.get_filename(), list(p.get_payload(decode=True))) for p in m.iter_attachments() ][0])
            """
        let result = try ChildProcess.run("/usr/bin/python3", ["-c", script, path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(String(decoding: result.output, as: UTF8.self) == "('\(name)', [1, 2, 3])\n")
    }

    @Test("without attachments the message stays a single text/plain part")
    func noAttachments() {
        let text = String(decoding: writer.write(message(files: [])), as: UTF8.self)
        #expect(!text.contains("multipart"))
        #expect(text.contains("Content-Type: text/plain; charset=utf-8"))
    }
}
