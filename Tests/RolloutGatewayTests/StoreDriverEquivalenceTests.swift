import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("The in-memory driver behaves as the SQLite driver through a whole rollout")
struct StoreDriverEquivalenceTests {
    /// What a store holds after the scenario, in comparable form.
    struct Outcome: Equatable {
        var summaries: [TicketSummary]
        var history: [String]
        var timers: [String]
        var outbox: [String]
        var counts: [Int]
        var conflicts: Int
        var duplicate: Bool
        var timerFiredTwice: Bool
    }

    /// Stage, assign, answers, a deadline and an escalation, a resend; a conflicting commit, a duplicate message and a
    /// timer fired by two claimants.
    func play(inMemory: Bool) async throws -> Outcome {
        let test = try TestGateway(inMemory: inMemory)
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        _ = try await test.apply("reject NGI_DE-FZK-LCG2", to: ticket, as: "pavel.weber@kit.example.org", at: "2026-11-27 16:00")
        test.clock.now = amsterdam("2026-11-30 15:00")
        _ = try await test.gateway.tick()
        _ = try await test.gateway.send(through: test.maildir)

        // A commit on a case loaded before another change is refused.
        let stale = try #require(try await test.store.load(ticket))
        _ = try await test.apply("ggus 12345", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-30 16:00")
        var conflicts = 0
        do {
            try await test.store.commit(StoreCommit(base: stale, decision: Decision(state: stale.rolloutCase), outbox: []))
        } catch StoreError.conflict {
            conflicts += 1
        }
        // A message is recorded once.
        let seen = SeenMessage(key: "<once@test>", ticket: ticket, sender: nil, disposition: .message(.setAside, reason: nil))
        try await test.store.recordSeen(seen, at: test.clock.now, outbox: [])
        var duplicate = false
        do { try await test.store.recordSeen(seen, at: test.clock.now, outbox: []) } catch StoreError.alreadySeen { duplicate = true }
        // Two claimants read the same due timer; only one firing is kept.
        test.clock.now = amsterdam("2026-12-01 15:00")
        let due = try await test.store.dueTimers(at: test.clock.now)
        _ = try await test.gateway.tick()
        var firedTwice = false
        if let timer = due.first, let base = try await test.store.load(timer.key.ticket) {
            do {
                try await test.store.commit(
                    StoreCommit(
                        base: base, decision: Decision(state: base.rolloutCase), outbox: [], firedTimer: timer.key,
                        firedTimerDueAt: timer.dueAt))
                firedTwice = true
            } catch StoreError.alreadySeen {}
        }
        let counts = try await test.store.outboxCounts()
        return Outcome(
            summaries: try await test.store.ticketSummaries(),
            history: try await test.store.history(of: ticket).map { "\($0.action)|\($0.actor?.value ?? "")|\($0.detail)" },
            timers: try await test.store.timers(of: ticket).map { "\($0.key.kind.rawValue)|\($0.key.team?.description ?? "")|\($0.dueAt)" },
            outbox: try await test.store.pendingOutbox(at: .distantFuture, limit: 1000).map { "\($0.messageID)|\($0.recipients)" },
            counts: [counts.queued, counts.sent, counts.failed], conflicts: conflicts, duplicate: duplicate,
            timerFiredTwice: firedTwice)
    }

    @Test("the same scenario leaves the same tickets, history, timers and outbox")
    func sameOutcome() async throws {
        let sqlite = try await play(inMemory: false)
        let memory = try await play(inMemory: true)
        #expect(sqlite.conflicts == 1 && sqlite.duplicate && !sqlite.timerFiredTwice, "the reference behaves as documented")
        #expect(sqlite.counts[1] > 0 && !sqlite.history.isEmpty)
        #expect(memory == sqlite)
    }

    @Test("a transaction that throws keeps nothing of it")
    func batchRollback() async throws {
        let test = try TestGateway(inMemory: true)
        let ticket = try await test.staged()
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await test.store.withTransaction { transaction in
                _ = try await test.apply(
                    "assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", within: transaction)
                throw Stop()
            }
        }
        let stored = try #require(try await test.store.load(ticket))
        #expect(stored.rolloutCase.rollout?.teams.isEmpty == true)
        #expect(!(try await test.store.history(of: ticket)).contains { $0.action.rawValue.hasPrefix("team.") })
    }
}
