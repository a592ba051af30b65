import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import SignatureSMIME
import Testing

/// The gateway's own mail signed with S/MIME (`outbox.smime`, issue 23), so that people can tell a real notification
/// from a phishing copy: signed where it is composed, checked here by `openssl cms -verify` against the test CA.
@Suite("Outbound signing: notifications signed with the gateway's S/MIME certificate")
struct OutboundSigningTests {
    /// The gateway signs with the test CA's manager certificate, its intermediate after it in the same file.
    static func settings(_ ca: TestCA, key: String = "manager") throws -> OutboxSigningSettings {
        let chain = NSTemporaryDirectory() + "rollout-gateway-certificate-\(UUID().uuidString).pem"
        let certificate = try Data(contentsOf: URL(fileURLWithPath: "\(ca.folder)/people/manager.pem"))
        let intermediate = try Data(contentsOf: URL(fileURLWithPath: "\(ca.folder)/people/inter.pem"))
        try (certificate + intermediate).write(to: URL(fileURLWithPath: chain))
        return OutboxSigningSettings(certificate: chain, keyFile: "\(ca.folder)/people/\(key).key")
    }

    static func pending(_ world: IngestWorld) async throws -> [OutgoingMessage] {
        try await world.store.pendingOutbox(at: world.clock.now.addingTimeInterval(30 * 86_400), limit: 100)
    }

    @Test("every notification composed is multipart/signed over its text, and openssl cms -verify accepts it")
    func signedNotifications() async throws {
        let ca = try TestCA.make()
        let signer = try SMIMEMessageSigner(settings: try Self.settings(ca))
        let world = try await IngestWorld(writer: SigningMessageWriter(GMimeMessageWriter(), signer: signer))
        defer { world.cleanUp() }
        let messages = try await Self.pending(world)
        #expect(messages.count >= 3, "the staging and the assignment notify the teams")
        for message in messages {
            let text = String(decoding: message.data, as: UTF8.self)
            #expect(text.contains("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;"))
            #expect(text.contains("Message-Id: <\(message.messageID)>"))
            // openssl finds the gateway's certificate in the signature and its chain to the test CA's root.
            let verified = String(decoding: try TestCA.run("/usr/bin/openssl", ["cms", "-verify", "-CApath", ca.certificates, "-inform", "SMIME"], input: message.data), as: UTF8.self)
            #expect(verified.contains("Content-Type: text/plain"))
            // The protected headers: what the message was sent as travels inside the signature.
            #expect(verified.contains("protected-headers=\"v1\""))
            let subject = try #require(GMimeMailParser().parse(message.data).headers.subject.split(separator: " ").first)
            #expect(verified.contains("Subject: \(subject)") && verified.contains("From: EGI Staged Rollout <staged-rollout@rollout.example.org>"))
            // Not what differs by copy: each recipient's copy would otherwise name the first recipient inside.
            #expect(!verified.contains("Message-Id:") && !verified.contains("To: "))
            #expect(verified.contains("staged-rollout") || verified.contains("EMI-1.0"))
            // The gateway reads its own signed mail as a mail client would: the text, no extra attachment.
            let parsed = GMimeMailParser().parse(message.data)
            #expect(parsed.text.contains("SE-DPM_mysql"))
            #expect(parsed.signedParts.map(\.scheme) == [.smime])
        }
        // One byte of a signed notification changed: openssl no longer accepts it (the test can fail).
        var tampered = try #require(messages.first).data
        let headerEnd = try #require(tampered.firstRange(of: Array("\r\n\r\n".utf8)))
        let at = try #require(tampered[headerEnd.upperBound...].firstRange(of: Array("SE-DPM_mysql".utf8)))
        tampered[at.lowerBound] = UInt8(ascii: "X")
        #expect(throws: TestCAError.self) {
            try TestCA.run("/usr/bin/openssl", ["cms", "-verify", "-CApath", ca.certificates, "-inform", "SMIME"], input: tampered)
        }
    }

    @Test(
        "signing does not change a message's own text: its fingerprint, and a reply quoting it cut where the quote begins",
        arguments: [
            "The staging of EMI-1.0 begins today.\nPlease accept within one working day.\n",
            "Zażółć gęślą jaźń: the staging of EMI-1.0 in Zürich begins today, ünd the text is quoted-printable.\n"
                + String(repeating: "é", count: 90) + "\nPlease accept within one working day.\n",
            String(repeating: "A line long enough to be folded by quoted-printable soft line breaks. ", count: 3) + "\nend\n",
        ])
    func signedOwnText(body: String) throws {
        let ca = try TestCA.make()
        let signing = SigningMessageWriter(GMimeMessageWriter(), signer: try SMIMEMessageSigner(settings: try Self.settings(ca)))
        let from = Mailbox(name: "EGI Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))
        let message = MailMessage(
            from: from, to: [EmailAddress("paolo.veronesi@cnaf.example.org")], subject: "[staged-rollout #7] EMI-1.0",
            date: Date(timeIntervalSince1970: 1_795_788_000), messageID: "rg.7.notify@rollout.example.org", references: [],
            replyTo: from, extraHeaders: [], body: body)
        let unsigned = GMimeMessageWriter().write(message)
        let signed = signing.write(message)
        #expect(String(decoding: signed, as: UTF8.self).contains("Content-Type: multipart/signed"))
        // What a mail client shows of the signed message is what the gateway reads as its own text.
        let shown = GMimeMailParser().parse(signed).text
        #expect(shown.contains("within one working day") || shown.contains("end"))
        #expect(SentMessageText.text(of: signed).replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines)
            == shown.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines))
        #expect(OutgoingMessage.textFingerprint(of: signed) == OutgoingMessage.textFingerprint(of: unsigned))
        // A reply with the signed notification below it, unquoted (as some clients forward or reply), is cut where
        // the notification's text begins.
        let below = shown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let reply = ReplyText((["accept NGI_IT-INFN-T1", ""] + below).joined(separator: "\n"),
            sent: [OutgoingMessage.textFingerprint(of: signed)])
        #expect(reply.cuts.contains { $0.reason == .ownText })
        #expect(reply.newLines.filter { !$0.isEmpty } == ["accept NGI_IT-INFN-T1"])
    }

    @Test("relayed conversation is not signed (a forger's words must not carry the gateway's signature); the transcript is")
    func relaysUnsigned() async throws {
        let ca = try TestCA.make()
        let signer = try SMIMEMessageSigner(settings: try Self.settings(ca))
        let world = try await IngestWorld(writer: SigningMessageWriter(GMimeMessageWriter(), signer: signer))
        defer { world.cleanUp() }
        let before = try await Self.pending(world).count
        let outcome = try await world.ingest.ingest(message(body: "ggus 123456\nClick https://evil.example.org/renew to keep your certificate.\n"))
        #expect(outcome.results.map(\.status) == [.applied])
        let queued = try await Self.pending(world).dropFirst(before)
        let relays = queued.filter { $0.kind == .notification(.conversation) }
        let others = queued.filter { $0.kind != .notification(.conversation) }
        #expect(!relays.isEmpty && !others.isEmpty)
        #expect(relays.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("multipart/signed") })
        #expect(others.allSatisfy { String(decoding: $0.data, as: UTF8.self).contains("multipart/signed") })
    }

    @Test("without outbox.smime the gateway's mail goes unsigned, as before")
    func unsignedByDefault() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let messages = try await Self.pending(world)
        #expect(!messages.isEmpty)
        #expect(messages.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("multipart/signed") })
    }

    @Test("a key that does not belong to the certificate, or a file that cannot be read, is refused when loaded")
    func badKey() throws {
        let ca = try TestCA.make()
        let mismatched = try Self.settings(ca, key: "colleague")
        let mismatch = #expect(throws: SMIMEMessageSigner.SetupError.self) { try SMIMEMessageSigner(settings: mismatched) }
        #expect(mismatch?.description == "the key \(mismatched.keyFile) does not belong to the certificate \(mismatched.certificate)")
        let missing = OutboxSigningSettings(certificate: mismatched.certificate, keyFile: "/nonexistent/gateway.key")
        let unreadable = #expect(throws: SMIMEMessageSigner.SetupError.self) { try SMIMEMessageSigner(settings: missing) }
        #expect(unreadable?.description.hasPrefix("the key file /nonexistent/gateway.key cannot be read") == true)
    }
}
