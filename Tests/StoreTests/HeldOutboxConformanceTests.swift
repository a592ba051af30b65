import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// Held mail and the per-ticket count of notifications, the same on every driver.
@Suite("Store conformance: held mail")
struct HeldOutboxConformanceTests {
    /// A staged ticket (#2), its notifications queued (at least three), and the clock's time.
    static func queued(on place: StorePlace) async throws -> (GatewayOverStore, TicketID, Date, [OutgoingMessage]) {
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        let pending = try await test.store.pendingOutbox(at: test.clock.now, limit: 100)
        #expect(pending.count >= 3)
        return (test, ticket, test.clock.now, pending)
    }

    @Test("a held message is listed with its next try, not sent before it; released (to one address) it is ready now, unmarked", arguments: drivers)
    func holdListRelease(driver: StoreDriver) async throws {
        // Given the queued notifications of a staged ticket, nothing held
        let place = try driver.makePlace()
        let (test, _, now, pending) = try await Self.queued(on: place)
        #expect(try await test.store.heldOutbox().isEmpty)

        // When two are held for 15 minutes, and one postponed without the mark
        let (first, second, postponed) = (pending[0], pending[1], pending[2])
        try await test.store.hold(first, until: now.addingTimeInterval(900), reason: "over the cap")
        try await test.store.hold(second, until: now.addingTimeInterval(900), reason: "over the cap")
        try await test.store.postpone(postponed, until: now.addingTimeInterval(900))

        // Then only the held ones are listed, with their next try, by any handle, and none is ready before it
        let held = try await (try await place.open()).heldOutbox()
        #expect(held.map(\.messageID) == [first.messageID, second.messageID])
        #expect(held.allSatisfy { $0.nextAttemptAt == now.addingTimeInterval(900) && $0.attempts == 0 })
        let ready = try await test.store.pendingOutbox(at: now.addingTimeInterval(60), limit: 100).map(\.messageID)
        #expect(!ready.contains(first.messageID) && !ready.contains(second.messageID))

        // When the first one's recipient is released
        let recipient = try #require(first.recipients.first)
        let released = try await test.store.releaseHeld(to: recipient, at: now.addingTimeInterval(60))
        #expect(released.map(\.messageID) == held.filter { $0.recipients.contains(recipient) }.map(\.messageID))
        #expect(released.contains { $0.messageID == first.messageID })
        #expect(try await test.store.pendingOutbox(at: now.addingTimeInterval(60), limit: 100).contains { $0.messageID == first.messageID })

        // Then the rest stays held; released all, nothing is held; a delivery takes the mark off too
        let rest = try await test.store.heldOutbox()
        #expect(!rest.contains { $0.messageID == first.messageID })
        try await test.store.hold(first, until: now.addingTimeInterval(900), reason: "over the cap again")
        try await test.store.recordDelivery(.delivered, for: first, at: now.addingTimeInterval(120))
        #expect(!(try await test.store.heldOutbox()).contains { $0.messageID == first.messageID })
        _ = try await test.store.releaseHeld(to: nil, at: now.addingTimeInterval(120))
        #expect(try await test.store.heldOutbox().isEmpty)
        #expect(try await test.store.outboxCounts().failed == 0)
    }

    @Test("per ticket, the per-person copies of one notification count once", arguments: drivers)
    func copiesCountOnce(driver: StoreDriver) async throws {
        // Given a staged ticket whose release-staged notice went to both managers (two copies, one notification)
        let (test, ticket, now, queued) = try await Self.queued(on: try driver.makePlace())
        let pending = queued.filter { $0.ticket == ticket }
        let staged = pending.filter { $0.kind == .notification(.releaseStaged) }
        #expect(staged.count >= 2)

        // When every copy is delivered
        for message in pending { try await test.store.recordDelivery(.delivered, for: message, at: now) }

        // Then the ticket counts one notification per kind and moment, each recipient one message
        let notifications = Set(pending.map { "\($0.kind.rawValue) \($0.createdAt.timeIntervalSince1970)" }).count
        #expect(notifications < pending.count)
        #expect(try await test.store.deliveredCount(ticket: ticket, since: now.addingTimeInterval(-1)) == notifications)
        #expect(try await test.store.deliveredCount(ticket: ticket, kinds: [.notification(.releaseStaged)], since: now.addingTimeInterval(-1)) == 1)
        #expect(try await test.store.deliveredCount(to: staged[0].recipients[0], since: now.addingTimeInterval(-1)) >= 1)
    }
}
