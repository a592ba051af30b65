import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// ``ThreadRootStore`` on every driver (issue 20 #8): which people's thread roots of a ticket were queued.
@Suite("Thread roots: every driver says which were queued")
struct ThreadRootStoreTests {
    @Test("a person's root is known once queued, to every instance, whatever became of it; another's is not", arguments: drivers)
    func rootsQueued(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        let composer = test.gateway.renderer.composer
        let manager = composer.threadRoot(of: ticket, for: EmailAddress("mario.david@lip.example.org"))
        let stranger = composer.threadRoot(of: ticket, for: EmailAddress("someone@elsewhere.example.org"))
        #expect(try await test.store.outboxMessageIDs(among: [manager, stranger]) == [manager])
        let other = try await place.open()
        #expect(try await other.outboxMessageIDs(among: [stranger, manager]) == [manager])
        #expect(try await other.outboxMessageIDs(among: []) == [])
        // The next notifications to the manager (no answer by the deadline) refer to the root instead of being one.
        try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "joao.pina@lip.example.org", at: "2026-11-27 15:00")
        test.clock.now = amsterdam("2026-11-30 15:00")
        _ = try await test.gateway.tick()
        let queued = try await test.store.pendingOutbox(at: test.clock.now, limit: 100)
        #expect(queued.filter { $0.messageID == manager }.count == 1)
        let later = queued.filter { $0.recipients == [EmailAddress("mario.david@lip.example.org")] && $0.messageID != manager }
        #expect(!later.isEmpty)
        for message in later {
            #expect(String(decoding: message.data, as: UTF8.self).contains("References: <\(manager)>"), "\(message.kind)")
        }
    }

    @Test(
        "two writers that both open a person's thread: the second commit is a conflict and keeps nothing, so the event is decided again",
        arguments: drivers)
    func rootRace(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        let manager = EmailAddress("mario.david@lip.example.org")
        let root = test.gateway.renderer.composer.threadRoot(of: ticket, for: manager)
        #expect(try await test.store.outboxMessageIDs(among: [root]) == [root])
        // The other writer loaded the case and decided before it could see the root: its message to the manager
        // carries the same root ID, with other content.
        let other = try await place.open()
        let loaded = try #require(try await other.load(ticket))
        let decision = Workflow(context: test.gateway.configuration.workflow).decide(
            loaded.rolloutCase, .timerFired(TimerKey(ticket: ticket, kind: .escalation, team: nil)), now: amsterdam("2026-11-30 15:00"))
        let racing = OutgoingMessage(
            messageID: root, ticket: ticket, kind: .notification(.teamAssigned), sender: EmailAddress("rollout@gateway.example.org"), recipients: [manager],
            data: Array("Message-ID: <\(root)>\r\n\r\nthe racing writer's own notice\r\n".utf8), createdAt: amsterdam("2026-11-30 15:00"))
        #expect(racing.opensThread)
        var conflicted: TicketID?
        do {
            try await other.commit(StoreCommit(base: loaded, decision: decision, outbox: [racing]))
        } catch StoreError.conflict(let id) {
            conflicted = id
        }
        #expect(conflicted == ticket)
        // Nothing of the failed commit kept: the case as it was loaded, one message with the root ID (the first).
        let after = try #require(try await other.load(ticket))
        #expect(after.rolloutCase == loaded.rolloutCase)
        let queued = try await other.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        #expect(queued.filter { $0.messageID == root }.count == 1)
        #expect(!queued.contains { String(decoding: $0.data, as: UTF8.self).contains("the racing writer's own notice") })
        // A message whose ID is no thread root is no such conflict (a control for the rule's reach).
        #expect(!OutgoingMessage(
            messageID: "rg.\(ticket.rawValue).team-assigned.abc@gateway.example.org", ticket: ticket, kind: .notification(.teamAssigned),
            sender: manager, recipients: [manager], data: [], createdAt: amsterdam("2026-11-30 15:00")).opensThread)
    }
}
