import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// The review items of issue 19 on the explicit transactions, each on every driver it applies to: a replay whose
/// drop finds nothing keeps nothing, a transaction used after its body throws, savepoints named once each, a broken
/// constraint is the store's fault and never retried as busy.
@Suite("Store conformance: transaction review items")
struct TransactionReviewTests {
    struct Stop: Error {}

    static let now = amsterdam("2026-11-27 15:00")

    static func seen(_ key: String) -> SeenMessage {
        SeenMessage(key: key, ticket: nil, sender: nil, disposition: .message(.loop, reason: nil))
    }

    @Test("set-aside replay whose drop finds nothing (replayed meanwhile) keeps nothing of the replay", arguments: drivers)
    func replayWhoseDropFails(driver: StoreDriver) async throws {
        // Given: a message set aside (it names no ticket), and a staged rollout with a team assigned
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: TransactionConformanceTests.mario, at: "2026-11-27 15:00")
        let raw = TransactionConformanceTests.untagged("dropped-meanwhile@cnaf.example.org")
        let ingest = Ingest(gateway: test.gateway, parser: GMimeMailParser())
        #expect(try await ingest.ingest(raw).disposition == .setAside)
        let id = try #require(try await store.setAsideMessages().first?.id)
        let historyBefore = try await store.history(of: rollout)

        // When: it is replayed onto the ticket, and dropping the kept copy finds nothing to drop
        let faulty = FaultyStore(inner: store, dropFindsNothing: true) { _ in false }
        let replaying = try test.ingest(over: faulty)
        await #expect(throws: GatewayError.self) { _ = try await replaying.replaySetAside(id, ticket: rollout) }

        // Then: nothing of the replay is kept: the ticket's history and answer unchanged, the copy and its record kept
        #expect(try await store.history(of: rollout) == historyBefore)
        #expect(try await store.load(rollout)?.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == nil)
        #expect(try await store.setAsideMessage(id)?.bytes == raw)
        #expect(try await store.hasSeen("<dropped-meanwhile@cnaf.example.org>"))
        // and the control case: with a drop that finds it, the replay applies
        #expect(try await ingest.replaySetAside(id, ticket: rollout)?.disposition == .applied)
    }

    @Test("a transaction, or a nested one, used after its body returned throws and writes nothing", arguments: drivers)
    func usedAfterItsBody(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        var kept: (any StoreTransaction)?
        try await store.withTransaction { transaction in
            kept = transaction
            try await transaction.recordSeen(Self.seen("<inside@test>"), at: Self.now)
        }
        let ended = try #require(kept)
        await #expect(throws: StoreError.self) { try await ended.recordSeen(Self.seen("<after@test>"), at: Self.now) }
        await #expect(throws: StoreError.self) { _ = try await ended.keepSetAside(TransactionConformanceTests.setAside("<after-kept@test>", at: Self.now), limit: 1 << 20) }

        var nestedKept: (any StoreTransaction)?
        try await store.withTransaction { outer in
            try await outer.withTransaction { nested in nestedKept = nested }
            let nested = try #require(nestedKept)
            await #expect(throws: StoreError.self) { try await nested.recordSeen(Self.seen("<after-nested@test>"), at: Self.now) }
            // The outer transaction goes on.
            try await outer.recordSeen(Self.seen("<outer@test>"), at: Self.now)
        }

        #expect(try await store.hasSeen("<inside@test>"))
        #expect(try await store.hasSeen("<outer@test>"))
        #expect(try await !store.hasSeen("<after@test>"))
        #expect(try await !store.hasSeen("<after-nested@test>"))
        #expect(try await store.setAsideMessages().isEmpty)
    }

    @Test("nested transactions in sequence and two deep: each undoes its own writes, whichever came before", arguments: drivers)
    func savepointsInSequenceAndDeep(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        try await store.withTransaction { outer in
            // In sequence: the first kept, the second undone, a third kept.
            try await outer.withTransaction { try await $0.recordSeen(Self.seen("<first@test>"), at: Self.now) }
            await #expect(throws: Stop.self) {
                try await outer.withTransaction { second in
                    try await second.recordSeen(Self.seen("<second@test>"), at: Self.now)
                    throw Stop()
                }
            }
            try await outer.withTransaction { try await $0.recordSeen(Self.seen("<third@test>"), at: Self.now) }
            // Two deep: the innermost undone, its parent kept, then the parent's next child kept.
            try await outer.withTransaction { parent in
                try await parent.recordSeen(Self.seen("<parent@test>"), at: Self.now)
                await #expect(throws: Stop.self) {
                    try await parent.withTransaction { child in
                        try await child.recordSeen(Self.seen("<child@test>"), at: Self.now)
                        throw Stop()
                    }
                }
                try await parent.withTransaction { try await $0.recordSeen(Self.seen("<sibling@test>"), at: Self.now) }
                #expect(try await !parent.hasSeen("<child@test>"))
            }
        }
        for key in ["<first@test>", "<third@test>", "<parent@test>", "<sibling@test>"] {
            #expect(try await store.hasSeen(key), "\(key) lost")
        }
        for key in ["<second@test>", "<child@test>"] {
            #expect(try await !store.hasSeen(key), "\(key) kept")
        }
    }

    @Test("savepoint names are never reused within a transaction")
    func savepointNamesUnique() {
        let names = SavepointNames()
        let drawn = (0..<100).map { _ in names.next() }
        #expect(Set(drawn).count == drawn.count)
    }

    @Test("a row that breaks a constraint of the schema is the store's fault: never busy or unavailable, so never retried without end", arguments: migratingDrivers)
    func brokenConstraint(driver: StoreDriver) async throws {
        // Given: a staged rollout, loaded
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        let base = try #require(try await store.load(rollout))

        // When: a commit schedules a timer on a ticket that does not exist (a foreign key broken)
        var decision = Decision(state: base.rolloutCase)
        decision.timers = [.schedule(TimerKey(ticket: TicketID(999), kind: .escalation), at: Self.now)]
        let change = StoreCommit(base: base, decision: decision, outbox: [], seen: Self.seen("<broken@test>"))
        var thrown: (any Error)?
        do {
            try await store.withTransaction { try await $0.commit(change) }
        } catch {
            thrown = error
        }

        // Then: the store says so as a broken constraint, which stops no loop as temporary (the source counts it
        // against the message), and nothing of the commit is kept
        let error = try #require(thrown as? StoreError, "\(String(describing: thrown))")
        let broken = if case .brokenConstraint = error { true } else { false }
        #expect(broken, "read as \(error)")
        #expect(!IngestLoop<ListIngestSource>.isTemporary(error))
        #expect(!IngestLoop<ListIngestSource>.isStoreTemporary(error))
        #expect(try await !store.hasSeen("<broken@test>"))
        // and the control case: the same commit on the ticket itself is kept
        decision.timers = [.schedule(TimerKey(ticket: rollout, kind: .escalation), at: Self.now)]
        try await store.withTransaction { try await $0.commit(StoreCommit(base: base, decision: decision, outbox: [], seen: Self.seen("<kept@test>"))) }
        #expect(try await store.hasSeen("<kept@test>"))
    }
}
