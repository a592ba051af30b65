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
}
