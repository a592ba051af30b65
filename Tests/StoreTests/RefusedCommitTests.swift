import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A commit that the store refuses (the case changed since it was loaded) leaves nothing of itself in the transaction
/// it was made in, and nothing else goes with it: the transaction goes on, decides again and commits. The PostgreSQL
/// store undoes a refused commit by the transaction's own savepoint when nothing was written since it was set, and
/// by a savepoint of the commit's own otherwise; both must mean the same as on the other drivers.
@Suite("Store conformance: a refused commit")
struct RefusedCommitTests {
    static func seen(_ key: String, _ ticket: TicketID) -> SeenMessage {
        SeenMessage(key: key, ticket: ticket, sender: EmailAddress(TransactionConformanceTests.mario), disposition: .message(.applied, reason: nil))
    }

    /// True when the store refused `commit` as a conflict.
    static func refused(_ commit: StoreCommit, in transaction: any StoreTransaction) async throws -> Bool {
        do {
            try await transaction.commit(commit)
            return false
        } catch StoreError.conflict {
            return true
        }
    }

    @Test("refused after reads only, or after a write of the same transaction: nothing of it stays, the earlier write does, and the decision made again commits", arguments: drivers)
    func refusedCommitKeepsNothing(driver: StoreDriver) async throws {
        // Given: a staged rollout loaded, then changed by another writer (its versions moved on)
        let place = try driver.makePlace()
        let store = try await place.open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        let stale = try #require(try await store.load(rollout))
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: TransactionConformanceTests.mario, at: "2026-11-27 15:00")
        let now = amsterdam("2026-11-30 15:00")
        let workflow = Workflow(context: test.gateway.configuration.workflow)
        func commit(on base: StoredCase, seen key: String, answer: String) -> StoreCommit {
            let decision = workflow.decide(base.rolloutCase, .timerFired(TimerKey(ticket: rollout, kind: .escalation, team: nil)), now: now)
            return StoreCommit(
                base: base, decision: decision, outbox: [TransactionConformanceTests.answer(answer, at: now)], seen: Self.seen(key, rollout))
        }
        let historyBefore = try await store.history(of: rollout)

        // When: in one message's transaction of a group, a commit on the stale case after reads only; then a write, and
        // the stale commit again; then the case loaded afresh and committed
        try await store.withTransaction { group in
            try await group.withTransaction { message in
                _ = try await message.load(rollout)
                #expect(try await Self.refused(commit(on: stale, seen: "<refused-first@test>", answer: "a1@test"), in: message))
                #expect(try await !message.hasSeen("<refused-first@test>"))
                #expect(try await message.history(of: rollout) == historyBefore)

                try await message.recordSeen(Self.seen("<written-before@test>", rollout), at: now)
                #expect(try await Self.refused(commit(on: stale, seen: "<refused-second@test>", answer: "a2@test"), in: message))
                #expect(try await message.hasSeen("<written-before@test>"))
                #expect(try await !message.hasSeen("<refused-second@test>"))

                let fresh = try #require(try await message.load(rollout))
                try await message.commit(commit(on: fresh, seen: "<kept@test>", answer: "a3@test"))
            }
        }

        // Then: the write before the refusal and the commit made again are kept; nothing of either refused commit
        #expect(try await store.hasSeen("<written-before@test>"))
        #expect(try await store.hasSeen("<kept@test>"))
        #expect(try await !store.hasSeen("<refused-first@test>"))
        #expect(try await !store.hasSeen("<refused-second@test>"))
        #expect(try await store.outboxMessageIDs(among: ["a1@test", "a2@test", "a3@test"]) == ["a3@test"])
        #expect(try await store.history(of: rollout).count > historyBefore.count)
    }
}
