import Foundation
import GRDB
import RolloutCore
import RolloutGateway
@testable import StoreSQLite
import Testing

/// The flood limit's count (``TicketRepository/relayedComments(on:by:since:)``) means the same on every driver: one
/// sender's `comment` entries on one ticket strictly after a time, the address compared without regard to case —
/// beyond ASCII too, as ``EmailAddress`` compares it — and nothing else that a ticket's hour holds.
@Suite("Store conformance: the relay window's count")
struct RelayWindowStoreTests {
    static let sender = EmailAddress("Jürgen.Weiß@kit.example.org")
    static let other = EmailAddress("pavel.weber@kit.example.org")

    @Test("counts the sender's relayed comments of the hour on the ticket, in any case, and nothing else", arguments: drivers)
    func countsOnlyTheSendersComments(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (release, ticket) = try await test.staged()
        let now = amsterdam("2026-11-28 10:00")
        let since = now.addingTimeInterval(-3600)
        func entry(_ on: TicketID, _ actor: EmailAddress?, _ action: HistoryAction, at: Date) -> HistoryEntry {
            HistoryEntry(ticket: on, at: at, cause: .message(id: "<\(UUID().uuidString)@test>"), actor: actor, authentication: .strong,
                action: action, detail: "relay window")
        }
        let counted = [
            entry(ticket, Self.sender, .comment, at: since.addingTimeInterval(1)),
            entry(ticket, EmailAddress("JÜRGEN.WEISS@KIT.EXAMPLE.ORG".replacingOccurrences(of: "SS", with: "ß")), .comment, at: now),
            entry(ticket, EmailAddress("jürgen.weiß@KIT.example.org"), .comment, at: now.addingTimeInterval(-60)),
        ]
        let notCounted = [
            entry(ticket, Self.sender, .comment, at: since),  // exactly an hour ago: not after `since`
            entry(ticket, Self.sender, .comment, at: since.addingTimeInterval(-600)),
            entry(ticket, Self.sender, .commentHeld, at: now),
            entry(ticket, Self.sender, .commentHeldSent, at: now),
            entry(ticket, Self.other, .comment, at: now),
            entry(ticket, EmailAddress("jurgen.weiss@kit.example.org"), .comment, at: now),  // another address
            entry(ticket, nil, .comment, at: now),
            entry(release, Self.sender, .comment, at: now),  // another ticket
        ]
        for ticket in [ticket, release] {
            let base = try #require(try await store.load(ticket))
            var decision = Decision(state: base.rolloutCase)
            decision.history = (counted + notCounted).filter { $0.ticket == ticket }
            try await store.commit(StoreCommit(base: base, decision: decision, outbox: []))
        }

        #expect(try await store.relayedComments(on: ticket, by: Self.sender, since: since) == counted.count)
        #expect(try await store.relayedComments(on: ticket, by: EmailAddress("JÜRGEN.WEISS@kit.example.org"), since: since) == 0)
        #expect(try await store.relayedComments(on: ticket, by: Self.other, since: since) == 1)
        #expect(try await store.relayedComments(on: release, by: Self.sender, since: since) == 1)
        #expect(try await store.relayedComments(on: ticket, by: Self.sender, since: now) == 0)
        #expect(try await store.relayedComments(on: ticket, by: Self.sender, since: since.addingTimeInterval(-3600)) == counted.count + 2)
        #expect(try await store.relayedComments(on: TicketID(99), by: Self.sender, since: since) == 0)
    }

    @Test("the relay window read at once is its two parts: the sender's count, and the held-relays timer of that ticket only while pending", arguments: drivers)
    func windowAtOnce(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (release, ticket) = try await test.staged()
        let now = amsterdam("2026-11-28 10:00")
        let since = now.addingTimeInterval(-3600)
        func change(_ on: TicketID, _ history: [HistoryEntry], _ timers: [TimerChange]) async throws {
            let base = try #require(try await store.load(on))
            var decision = Decision(state: base.rolloutCase)
            decision.history = history
            decision.timers = timers
            try await store.commit(StoreCommit(base: base, decision: decision, outbox: []))
        }
        let comment = HistoryEntry(
            ticket: ticket, at: now, cause: .message(id: "<window@test>"), actor: Self.sender, authentication: .strong, action: .comment,
            detail: "relay window")
        try await change(ticket, [comment, comment], [])
        let held = TimerKey(ticket: ticket, kind: .heldRelays)
        #expect(try await store.relayWindow(on: ticket, by: Self.sender, since: since) == RelayWindow(relayedLastHour: 2, heldWaiting: false))

        // A held-relays timer on the other ticket does not count; on this one it does while pending, not once cancelled
        try await change(release, [], [.schedule(TimerKey(ticket: release, kind: .heldRelays), at: now.addingTimeInterval(3600))])
        #expect(try await store.relayWindow(on: ticket, by: Self.sender, since: since).heldWaiting == false)
        try await change(ticket, [], [.schedule(held, at: now.addingTimeInterval(3600))])
        #expect(try await store.relayWindow(on: ticket, by: Self.sender, since: since) == RelayWindow(relayedLastHour: 2, heldWaiting: true))
        #expect(try await store.relayWindow(on: ticket, by: Self.other, since: since) == RelayWindow(relayedLastHour: 0, heldWaiting: true))
        try await change(ticket, [], [.cancel(held)])
        #expect(try await store.relayWindow(on: ticket, by: Self.sender, since: since).heldWaiting == false)
    }

    @Test("a reply's facts read at once are their parts: a replay key recorded, and the window as read alone, within a transaction's own writes", arguments: drivers)
    func replyFactsAtOnce(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, ticket) = try await test.staged()
        let now = amsterdam("2026-11-28 10:00")
        let since = now.addingTimeInterval(-3600)
        // A replay key is recorded as a seen key of its own (``SeenMessage/rows``).
        try await store.recordSeen(
            SeenMessage(key: "replay:one", ticket: ticket, sender: Self.sender, disposition: .replayKey(of: "<first@test>")), at: now)
        let recorded = try await store.replyFacts(replayKeys: ["replay:other", "replay:one"], relayOn: ticket, by: Self.sender, since: since)
        #expect(recorded == ReplyFacts(replayed: true, relayWindow: RelayWindow(relayedLastHour: 0, heldWaiting: false)))
        #expect(try await store.replyFacts(replayKeys: ["replay:other"], relayOn: nil, by: Self.sender, since: since) == ReplyFacts(replayed: false, relayWindow: nil))
        // The recorded key after four others (PostgreSQL looks up two in its statement, the rest one by one), and never
        // a key that only begins like it.
        let many = (1...4).map { "replay:more-\($0)" }
        #expect(try await store.replyFacts(replayKeys: many + ["replay:one"], relayOn: nil, by: nil, since: since).replayed)
        #expect(try await store.replyFacts(replayKeys: many + ["replay:on", "replay:one "], relayOn: nil, by: nil, since: since).replayed == false)
        #expect(try await store.replyFacts(replayKeys: ["replay:one"], relayOn: nil, by: nil, since: since).replayed)
        // An empty key recorded (no message has one) never makes a reply with fewer keys than PostgreSQL's slots a replay.
        try await store.recordSeen(SeenMessage(key: "", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: now)
        #expect(try await store.replyFacts(replayKeys: ["replay:other"], relayOn: nil, by: nil, since: since).replayed == false)
        #expect(try await store.replyFacts(replayKeys: [], relayOn: nil, by: nil, since: since).replayed == false)
        #expect(try await store.replyFacts(replayKeys: ["replay:more-1", "replay:one"], relayOn: nil, by: nil, since: since).replayed)
        #expect(try await store.replyFacts(replayKeys: [], relayOn: ticket, by: nil, since: since) == ReplyFacts(replayed: false, relayWindow: nil))

        // In a transaction (as the ingest's group of messages), what it wrote before counts: the comments and the timer.
        try await store.withTransaction { tx in
            let base = try #require(try await tx.load(ticket))
            var decision = Decision(state: base.rolloutCase)
            let comment = HistoryEntry(
                ticket: ticket, at: now, cause: .message(id: "<window@test>"), actor: Self.sender, authentication: .strong, action: .comment,
                detail: "relay window")
            decision.history = [comment, comment, comment]
            decision.timers = [.schedule(TimerKey(ticket: ticket, kind: .heldRelays), at: now.addingTimeInterval(3600))]
            try await tx.commit(StoreCommit(base: base, decision: decision, outbox: []))
            let facts = try await tx.replyFacts(replayKeys: ["replay:two"], relayOn: ticket, by: Self.sender, since: since)
            #expect(facts == ReplyFacts(replayed: false, relayWindow: RelayWindow(relayedLastHour: 3, heldWaiting: true)))
            #expect(facts.relayWindow == (try await tx.relayWindow(on: ticket, by: Self.sender, since: since)))
            let other = try await tx.replyFacts(replayKeys: [], relayOn: ticket, by: Self.other, since: since)
            #expect(other.relayWindow == RelayWindow(relayedLastHour: 0, heldWaiting: true))
        }
    }

    @Test("SQLite v13 fills in the key of the entries written before it, folding case as the gateway does")
    func sqliteMigrationFillsKeys() async throws {
        let path = NSTemporaryDirectory() + "rollout-relay-window-\(UUID().uuidString).sqlite"
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v12: the directory's snapshot and its changes")
        let now = amsterdam("2026-11-28 10:00")
        try await queue.write { db in
            try seedReleaseTicket(db, at: now)
            for actor in ["JÜRGEN.WEIß@KIT.EXAMPLE.ORG", "jürgen.weiß@kit.example.org", "pavel.weber@kit.example.org"] {
                try db.execute(
                    sql: """
                        INSERT INTO history (ticket_id, at, cause_kind, cause, actor, authentication, action, detail)
                        VALUES (1, ?, 'message', '<old@test>', ?, 'strong', 'comment', 'relayed before the upgrade')
                        """, arguments: [now, actor])
            }
        }
        try queue.close()
        let store = try SQLiteTicketStore(path: path)
        #expect(try await store.relayedComments(on: TicketID(1), by: Self.sender, since: now.addingTimeInterval(-3600)) == 2)
        #expect(try await store.relayedComments(on: TicketID(1), by: Self.other, since: now.addingTimeInterval(-3600)) == 1)
    }
}
