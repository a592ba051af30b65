import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// Accepts every message and remembers it.
final class AcceptingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var accepted: [OutgoingMessage] = []
    var delivered: [OutgoingMessage] { lock.withLock { accepted } }
    let name = "accepting"
    func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        lock.withLock { accepted += messages }
        return messages.map { _ in .delivered }
    }
}

@Suite("Floods stay small (issue 17, class 7)")
struct FloodTests {
    static let paolo = "Paolo Veronesi <paolo.veronesi@cnaf.example.org>"

    /// Conversation relays queued per recipient.
    static func relays(_ world: IngestWorld) async throws -> [EmailAddress: [OutgoingMessage]] {
        let queued = try await world.store.pendingOutbox(at: world.clock.now.addingTimeInterval(86_400), limit: 10_000)
        return Dictionary(grouping: queued.filter { $0.kind == .notification(.conversation) }, by: { $0.recipients[0] })
    }

    @Test("60 conversation mails from one team member in an hour reach each watcher at most 6 times; the history keeps each")
    func relaysPerSender() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let start = world.clock.now
        for index in 1...60 {
            world.clock.now = start.addingTimeInterval(Double(index) * 55)
            let outcome = try await world.ingest.ingest(message(from: Self.paolo, body: "Still testing, note \(index) FLOOD-\(index)."))
            #expect(outcome.disposition == .applied)
        }
        // Within the hour: five relayed one by one, to every watcher (the managers, the other assigned teams).
        let within = try await Self.relays(world)
        #expect(within.keys.contains(EmailAddress("mario.david@lip.example.org")))
        #expect(!within.keys.contains(EmailAddress("paolo.veronesi@cnaf.example.org")))
        #expect(within.values.allSatisfy { $0.count == 5 }, "\(within.mapValues(\.count))")

        // An hour after the first mail held, the rest goes out together, once.
        world.clock.now = start.addingTimeInterval(6 * 55 + 3600 + 1)
        _ = try await world.gateway.tick()
        _ = try await world.gateway.tick()
        let after = try await Self.relays(world)
        #expect(after.values.allSatisfy { $0.count == 6 }, "\(after.mapValues(\.count))")
        let held = try #require(after[EmailAddress("mario.david@lip.example.org")]?.last)
        let text = String(decoding: held.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
        #expect(text.contains("55 more messages from paolo.veronesi@cnaf.example.org"))
        #expect(text.contains("FLOOD-6.") && text.contains("FLOOD-60."))
        let history = try await world.store.history(of: TicketID(12))
        #expect(history.filter { $0.action == .comment || $0.action == .commentHeld }.count == 60)
        #expect(history.filter { $0.action == .commentHeldSent }.count == 1)
    }

    @Test("the held relay is bounded: a flood of long mails does not make one huge message")
    func heldRelayBounded() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let start = world.clock.now
        let long = String(repeating: "All work and no play makes Jack a dull boy. ", count: 200)
        for index in 1...30 {
            world.clock.now = start.addingTimeInterval(Double(index) * 60)
            _ = try await world.ingest.ingest(message(from: Self.paolo, body: "\(index): \(long)"))
        }
        world.clock.now = start.addingTimeInterval(2 * 3600)
        _ = try await world.gateway.tick()
        let held = try #require(try await Self.relays(world)[EmailAddress("mario.david@lip.example.org")]?.last)
        #expect(held.data.count < 20_000)
        #expect(String(decoding: held.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "").contains("more, kept on the ticket"))
    }

    @Test("300 mails to a bad reply address answer the sender once an hour")
    func invalidAddressAnswers() async throws {
        let world = try await IngestWorld(extraGateway: "  secret_file: \(attacks.appendingPathComponent("reply-secret").path)\n")
        defer { world.cleanUp() }
        let start = world.clock.now
        let bad = "staged-rollout+t12-0123456789abcdef@rollout.example.org"
        for index in 1...300 {
            world.clock.now = start.addingTimeInterval(Double(index) * 10)
            let outcome = try await world.ingest.ingest(message(from: Self.paolo, to: bad, body: "accept NGI_IT-INFN-T1\n\nattempt \(index)"))
            #expect(outcome.disposition == .setAside)
        }
        func answers() async throws -> Int {
            try await world.store.outboxCount(
                to: EmailAddress("paolo.veronesi@cnaf.example.org"), kind: .errorReply, since: start.addingTimeInterval(-1))
        }
        #expect(try await answers() == 1)
        world.clock.now = start.addingTimeInterval(3000 + 3600)
        _ = try await world.ingest.ingest(message(from: Self.paolo, to: bad, body: "accept NGI_IT-INFN-T1"))
        #expect(try await answers() == 2)
    }

    @Test("the outbox caps count per kind: a burst of relays and answers holds no workflow notification")
    func capsPerKind() async throws {
        let world = try await IngestWorld(edit: {
            $0.replacingOccurrences(of: "outbox:\n", with: "outbox:\n  per_recipient_per_hour: 4\n  per_ticket_per_hour: 40\n")
        })
        defer { world.cleanUp() }
        let transport = AcceptingTransport()
        _ = try await world.gateway.send(through: transport)  // the set-up's notifications
        let mario = EmailAddress("mario.david@lip.example.org")
        let start = world.clock.now
        for index in 1...5 {
            world.clock.now = start.addingTimeInterval(Double(index) * 60)
            _ = try await world.ingest.ingest(message(from: Self.paolo, body: "Looking at it, remark \(index)."))
        }
        world.clock.now = start.addingTimeInterval(400)
        let first = try await world.gateway.send(through: transport)
        #expect(first.held > 0, "the fifth relay to each watcher is over the cap")
        #expect(transport.delivered.filter { $0.recipients == [mario] && $0.kind == .notification(.conversation) }.count == 4)

        // A workflow notification to the same manager is not held behind the relays.
        world.clock.now = start.addingTimeInterval(500)
        _ = try await world.ingest.ingest(message(from: Self.paolo, body: "accept NGI_IT-INFN-T1"))
        _ = try await world.gateway.send(through: transport)
        #expect(transport.delivered.contains { $0.recipients == [mario] && $0.kind == .notification(.teamAccepted) })
    }
}
