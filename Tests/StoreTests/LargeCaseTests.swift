import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A case with more rows than one statement can bind (a mail of thousands of `ggus` lines): it is written all the
/// same, in several statements on PostgreSQL (postgres-nio binds at most 65,535 values in one), never an error that
/// stops the ingest loop.
@Suite("Store conformance: a case larger than one statement")
struct LargeCaseTests {
    @Test("25,000 GGUS links added by one commit are all kept, in their order", arguments: drivers)
    func manyLinks(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        let base = try #require(try await store.load(rollout))
        var decision = Decision(state: base.rolloutCase)
        let links = (1...25_000).map { "\(100_000 + $0)" }
        decision.state.rollout?.ggusTickets += links
        try await store.commit(StoreCommit(base: base, decision: decision, outbox: []))
        #expect(try await store.load(rollout)?.rolloutCase.rollout?.ggusTickets.suffix(links.count) == links[...])
    }
}
