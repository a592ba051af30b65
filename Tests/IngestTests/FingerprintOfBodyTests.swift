import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import SignatureSMIME
import Testing

/// The renderer fingerprints a notification from the body text it writes (``OutgoingMessage/textFingerprint(ofBody:)``)
/// instead of reading the written bytes back; the store's migrations and older rows fingerprint the bytes
/// (``OutgoingMessage/textFingerprint(of:)``). Both must agree for every body, through every writer, or a reply
/// quoting a notification would be cut by one and not the other.
@Suite("Own-text fingerprints: from the body written, the same as from the bytes")
struct FingerprintOfBodyTests {
    static let bodies: [String] = [
        "The staging of EMI-1.0 begins today.\nPlease accept within one working day.\n",
        "Zażółć gęślą jaźń: Zürich, 日本語, Ελληνικά — the text goes quoted-printable or base64.\n" + String(repeating: "é", count: 300) + "\n",
        String(repeating: "A line far longer than any mail line may be without being encoded, ", count: 20) + "\nend",
        "trailing spaces   \ntrailing tab\t\n\n\n.\n..leading dots\nFrom the top of a line\n>From the other\n",
        "Processing your message <x@example.org>:\n\n> accept NGI_IT-INFN-T1\nAccepted for NGI_IT-INFN-T1.\n> | quoted pipe\n",
        "windows\r\nline ends\r\nin the body\r\n",
        "no newline at the end",
        "",
        "   \n\t\n",
        "=3D equals =20 and =\nsoft break look-alikes\n",
        "Mixed 7bit and 8bit: café\n" + String(repeating: "plain ascii words ", count: 100),
        "a lone CR\r> before a quote mark\nCR CR LF\r\r\nnext\n",
        "a NUL \u{0} inside\nline\u{2028}separator and next\u{85}line\n\u{FEFF}byte order mark\ntrailing tab\t\n",
    ]

    /// A report bundle's transcript: the body, then a ZIP attachment (`multipart/mixed`).
    func bundled(_ body: String) -> MailMessage {
        var message = message(body)
        message.attachments = [MailAttachment(fileName: "reports-ticket-7.zip", contentType: "application/zip", bytes: Array(repeating: 0x50, count: 40_000) + Array(0...255))]
        return message
    }

    func message(_ body: String) -> MailMessage {
        let from = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))
        return MailMessage(
            from: from, to: [EmailAddress("paolo.veronesi@cnaf.example.org")], subject: "[staged-rollout #7] EMI-1.0",
            date: Date(timeIntervalSince1970: 1_795_788_000), messageID: "rg.7.notify@rollout.example.org", references: [],
            replyTo: from, extraHeaders: [], body: body)
    }

    @Test("written by the MIME writer, alone and before an attachment", arguments: bodies)
    func plain(body: String) {
        let bytes = GMimeMessageWriter().write(message(body))
        #expect(OutgoingMessage.textFingerprint(ofBody: body) == OutgoingMessage.textFingerprint(of: bytes))
        let withAttachment = GMimeMessageWriter().write(bundled(body))
        #expect(String(decoding: withAttachment, as: UTF8.self).contains("multipart/mixed"))
        #expect(OutgoingMessage.textFingerprint(ofBody: body) == OutgoingMessage.textFingerprint(of: withAttachment))
    }

    @Test("written and signed (outbox.smime)")
    func signed() throws {
        let ca = try TestCA.make()
        let writer = SigningMessageWriter(GMimeMessageWriter(), signer: try SMIMEMessageSigner(settings: try OutboundSigningTests.settings(ca)))
        for body in Self.bodies {
            let bytes = writer.write(message(body))
            #expect(OutgoingMessage.textFingerprint(ofBody: body) == OutgoingMessage.textFingerprint(of: bytes), "\(body.prefix(40))")
            let withAttachment = writer.write(bundled(body))
            #expect(OutgoingMessage.textFingerprint(ofBody: body) == OutgoingMessage.textFingerprint(of: withAttachment), "\(body.prefix(40))")
        }
    }
}
