import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// Issue 24: the copies of one notification are one MIME write and one fingerprint of its text; the copies differ in
/// their headers alone, and each carries the fingerprint its own bytes give.
@Suite("Copies of one notification: headers per person, one body, the fingerprint of their bytes")
struct NotificationCopiesTests {
    static let people = [
        "paolo.veronesi@cnaf.example.org", "pavel.weber@kit.example.org", "goncalo.borges@lip.example.org", "mario.david@lip.example.org",
    ].map(EmailAddress.init)

    /// The body of a message's bytes: everything after the empty line that ends the header block.
    static func body(of bytes: [UInt8]) throws -> [UInt8] {
        let end = try #require(bytes.firstRange(of: Array("\r\n\r\n".utf8)))
        return Array(bytes[end.upperBound...])
    }

    @Test("each copy is addressed to its person alone under its own Message-ID, all share one body, and each carries the fingerprint of its own bytes")
    func copiesOfOneNotification() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        let stored = try #require(try await test.store.load(ticket))
        let renderer = test.gateway.renderer
        let notification = RoutedNotification(
            kind: .teamAssigned, template: "team-assigned", ticket: ticket, queue: .stagedRollout, team: TeamName("NGI_IT-INFN-T1"),
            recipients: Self.people, facts: [:])
        // The second person has had mail of the ticket (their copy refers to their thread root); the others have not (their
        // copy opens their thread): both shapes of copy, each made from the first copy of its shape.
        var roots: Set<String> = [renderer.composer.threadRoot(of: ticket, for: Self.people[1])]
        let copies = try renderer.render(
            notification, in: stored.rolloutCase, index: 0, cause: .message(id: "<copies@test>"), now: amsterdam("2026-11-27 15:01"),
            roots: &roots)

        #expect(copies.map(\.recipients) == Self.people.map { [$0] })
        #expect(Set(copies.map(\.messageID)).count == Self.people.count)
        let firstBody = try Self.body(of: copies[0].data)
        #expect(SentMessageText.text(of: copies[0].data).contains("accept NGI_IT-INFN-T1"))
        for (copy, person) in zip(copies, Self.people) {
            let text = String(decoding: copy.data, as: UTF8.self)
            #expect(text.header("To") == person.value, "\(person)")
            #expect(text.header("Message-ID") == "<\(copy.messageID)>")
            for other in Self.people where other != person {
                #expect(!text.header("To")!.contains(other.value) && !text.header("Reply-To")!.contains(other.value))
            }
            #expect(try Self.body(of: copy.data) == firstBody, "\(person): the body differs from the first copy's")
            #expect(copy.textFingerprint == OutgoingMessage.textFingerprint(of: copy.data), "\(person)")
            #expect(!copy.textFingerprint.isEmpty)
        }
        #expect(!copies[1].opensThread)
        #expect(String(decoding: copies[1].data, as: UTF8.self).header("References")?.contains(renderer.composer.threadRoot(of: ticket, for: Self.people[1])) == true)
        #expect(copies[0].opensThread && copies[2].opensThread && copies[3].opensThread)
    }

    @Test("changing a message's bytes drops the fingerprint it carried: it is computed from the new bytes")
    func changedBytes() throws {
        let fingerprint = OwnTextFingerprint(text: "words that the old bytes never held at all")
        var message = OutgoingMessage(
            messageID: "m@x", ticket: nil, kind: .errorReply, sender: EmailAddress("a@b.example"), recipients: [EmailAddress("c@d.example")],
            data: Array("Subject: x\r\n\r\nthe words of the first bytes\r\n".utf8), createdAt: Date(timeIntervalSince1970: 0),
            textFingerprint: fingerprint)
        #expect(message.textFingerprint == fingerprint)
        message.data = Array("Subject: x\r\n\r\nother words of the second bytes\r\n".utf8)
        #expect(message.textFingerprint == OutgoingMessage.textFingerprint(of: message.data))
        #expect(message.textFingerprint != fingerprint)
    }

    @Test("the SQLite store keeps, for every queued message, the fingerprint its bytes give")
    func storedFingerprints() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        _ = try await test.apply("accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00")
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
            .filter { !OutboxKind.relaysOthersWords.contains($0.kind) }
        // Copies of one notification to several people among them.
        #expect(Dictionary(grouping: queued, by: \.kind.rawValue).values.contains { $0.count >= 3 })
        for message in queued {
            let stored = try await test.store.sentTextFingerprints(messageIDs: [message.messageID], ticket: nil, recipient: nil, limit: 0)
            #expect(stored == [OutgoingMessage.textFingerprint(of: message.data)], "\(message.messageID)")
        }
    }

    @Test("a recipient in a Message-ID's seed is quoted as debugDescription quotes it, with or without escapes")
    func quotedAsDebugDescription() {
        var texts = ["", "a@example.org", "o'brien@example.org", "x\"y@example.org", "back\\slash", "tab\there", "é@example.org",
                     "\u{7F}", "\u{0}", "e\u{301}"]
        texts += (0x00...0x7F).map { "a" + String(UnicodeScalar(UInt8($0))) + "b" }
        for text in texts {
            #expect(NotificationRenderer.quoted(text) == text.debugDescription, "\(text.unicodeScalars.map(\.value))")
        }
    }
}
