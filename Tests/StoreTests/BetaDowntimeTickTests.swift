import Foundation
import RolloutCore
import RolloutGateway
import Synchronization
import Testing

/// `tick` fires timers in groups, one store transaction each; a beta-downtime check asks the registry (GOCDB: seconds,
/// at worst its timeout) before it decides, and must not do so inside a group's transaction, which on SQLite holds the
/// store's write lock: an `ingest` meanwhile would wait, then give up as busy.
@Suite("tick: the registry is asked outside any transaction")
struct BetaDowntimeTickTests {
    /// A registry that, while it is asked, writes through another handle on the same store, as an `ingest` running
    /// at that moment would; it records whether each write went through.
    final class WritingRegistry: DowntimeSource {
        let other: any TicketStore
        let writes = Mutex<[Bool]>([])

        init(other: any TicketStore) { self.other = other }

        func betaDowntimes(site: String, serviceTypes: Set<String>?, at now: Date) async throws -> [ServiceDowntime] {
            let key = "<while-asking-\(site)-\(writes.withLock { $0.count })@test>"
            let wrote: Bool
            do {
                try await other.recordSeen(SeenMessage(key: key, ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
                wrote = true
            } catch {
                wrote = false
            }
            writes.withLock { $0.append(wrote) }
            return []
        }
    }

    @Test("another writer goes through while tick asks GOCDB, and the check is fired and recorded", arguments: [StoreDriver.sqlite])
    func registryAskedOutsideTheGroup(driver: StoreDriver) async throws {
        // Given: a rollout whose team accepted (a registry check due at once), and a second handle on the store
        let place = try driver.makePlace()
        let store = try await place.open()
        let test = try GatewayOverStore(store, extraConfiguration: "gocdb:\n  url: http://127.0.0.1:9/gocdbpi/public/\n")
        let (_, rollout) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: "mario.david@lip.example.org", at: "2026-11-27 10:00")
        try await test.apply("accept NGI_IT-INFN-T1", to: rollout, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 11:00")
        test.clock.now = amsterdam("2026-11-27 11:05")
        let registry = WritingRegistry(other: try await place.open())

        // When: tick fires the check
        let report = try await test.gateway.probing(BetaDowntimeProbe(source: registry)).tick()

        // Then: the registry was asked, the other writer was not kept waiting, and the check was fired
        #expect(registry.writes.withLock { $0 } == [true])
        #expect(report.fired.contains { $0.key.kind == .betaDowntimeCheck && $0.key.ticket == rollout })
        #expect(try await store.timers(of: rollout).contains { $0.key.kind == .betaDowntimeCheck && $0.dueAt > test.clock.now })
    }
}
