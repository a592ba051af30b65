import Foundation
import RolloutCore
import RolloutGateway
import StoreMemory
import TestSupport
import Testing

/// A decision's timer changes apply in their order on every driver, a timer changed twice in one commit included:
/// PostgreSQL writes the changes of timers changed once in the commit's one statement, where every part sees the rows
/// as they were before it, and those changed twice one by one after it.
@Suite("Store conformance: a commit's timer changes, in their order")
struct TimerChangeOrderTests {
    /// The timers table after the changes, dumped.
    static func timers(_ driver: StoreDriver) async throws -> (pending: [DueTimer], rows: [String]) {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, ticket) = try await test.staged()
        let now = amsterdam("2026-11-28 10:00")
        func key(_ team: String) -> TimerKey { TimerKey(ticket: ticket, kind: .answerDeadline, team: TeamName(team)) }
        func commit(_ changes: [TimerChange]) async throws {
            let base = try #require(try await store.load(ticket))
            var decision = Decision(state: base.rolloutCase)
            decision.history = [
                HistoryEntry(ticket: ticket, at: now, cause: .operatorAction("timers"), authentication: .local, action: .comment, detail: "timers")
            ]
            decision.timers = changes
            try await store.commit(StoreCommit(base: base, decision: decision, outbox: []))
        }
        let (t1, t2, t3) = (now.addingTimeInterval(3600), now.addingTimeInterval(7200), now.addingTimeInterval(10_800))
        try await commit([.schedule(key("NGI_A-ONE"), at: t1), .schedule(key("NGI_B-TWO"), at: t1), .schedule(key("NGI_C-THREE"), at: t1)])
        try await commit([
            .cancel(key("NGI_A-ONE")), .schedule(key("NGI_A-ONE"), at: t2),  // moved: cancelled, then pending again
            .schedule(key("NGI_B-TWO"), at: t3), .cancel(key("NGI_B-TWO")),  // moved, then cancelled
            .cancel(key("NGI_C-THREE")),  // cancelled once
            .schedule(key("NGI_D-FOUR"), at: t3),  // new
            .schedule(key("NGI_E-FIVE"), at: t1), .cancel(key("NGI_E-FIVE")),  // new and cancelled: a cancelled row
            .cancel(key("NGI_F-SIX")),  // never scheduled: nothing
        ])
        let pending = try await store.timers(of: ticket).filter { $0.key.kind == .answerDeadline }
        let tables: [StoreTable] =
            if let memory = store as? MemoryTicketStore { memory.exportTables() } else { try await #require(store as? any StoreTransfer).exportTables() }
        return (pending, (try CanonicalDump(tables).tables["timers"] ?? []).filter { $0.contains(TimerKind.answerDeadline.rawValue) })
    }

    @Test("a timer moved, moved and cancelled, cancelled, new, new and cancelled: the same rows as memory's", arguments: [StoreDriver.sqlite, .postgresql])
    func sameTimers(driver: StoreDriver) async throws {
        let reference = try await Self.timers(.memory)
        #expect(reference.pending.map(\.key.team) == [TeamName("NGI_A-ONE"), TeamName("NGI_D-FOUR")])
        #expect(reference.rows.count == 5, "\(reference.rows)")
        let found = try await Self.timers(driver)
        #expect(found.pending == reference.pending)
        #expect(found.rows == reference.rows, "\(found.rows) against memory's \(reference.rows)")
    }
}
