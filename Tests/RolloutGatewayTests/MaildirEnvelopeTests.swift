import Foundation
import MailMaildir
import RolloutCore
import RolloutGateway
import Testing

/// The Maildir outbox writes the envelope as header lines (`Return-Path:`, `X-Original-To:`): an address with a line
/// break in it would add a field of its own, so it is refused as SMTP refuses it (an attacker review).
@Suite("The Maildir outbox refuses an envelope address that would break its header lines")
struct MaildirEnvelopeTests {
    static func message(to recipient: String) -> OutgoingMessage {
        OutgoingMessage(
            messageID: "<m1@rollout.example.org>", ticket: TicketID(12), kind: .errorReply,
            sender: EmailAddress("staged-rollout+bounces-t12@rollout.example.org"), recipients: [EmailAddress(recipient)],
            data: Array("Subject: hello\r\n\r\nbody\r\n".utf8), createdAt: Date(timeIntervalSince1970: 1_764_600_000))
    }

    @Test("a line break or angle bracket in a recipient: a permanent failure, nothing written; a plain address: delivered")
    func refusesBrokenAddresses() async throws {
        let root = NSTemporaryDirectory() + "rollout-maildir-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let transport = MaildirTransport(root: root)
        for hostile in ["a\rBcc: x@evil.example", "a\r\nBcc: x@evil.example", "a\nBcc: x@evil.example", "a>b@evil.example"] {
            let outcomes = await transport.deliver([Self.message(to: hostile)])
            guard case .permanentFailure(let why) = try #require(outcomes.first) else {
                Issue.record("\(hostile.debugDescription) was not refused: \(outcomes)")
                continue
            }
            #expect(why.contains("invalid address"), "\(why)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/new").isEmpty, "nothing written for them")

        // Control: the plain address is delivered, its envelope on two lines above the message.
        #expect(await transport.deliver([Self.message(to: "paolo.veronesi@cnaf.example.org")]) == [.delivered])
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/new")
        #expect(files.count == 1)
        let text = try String(contentsOfFile: root + "/new/" + files[0], encoding: .utf8)
        #expect(text.hasPrefix("Return-Path: <staged-rollout+bounces-t12@rollout.example.org>\r\nX-Original-To: paolo.veronesi@cnaf.example.org\r\nSubject: hello\r\n"))
    }
}
