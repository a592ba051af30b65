import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// The flood limit's count (``RelayWindow``): one sender's `comment` entries on a ticket after a time, counted in the
/// index `history_relay_window` — a message reads as many index entries as its sender relayed in the hour, not the
/// ticket's hour of history (which made a busy ticket's ingest quadratic: BENCHMARKS.md, issue 24).
extension SQLiteTicketStore {
    /// Migration v13: each entry's actor compared without regard to case (`actor_key`, ``EmailAddress/key``, which
    /// folds case as Swift does, beyond ASCII — SQLite's `lower()` folds ASCII only), filled in for the rows before it.
    static func migrateRelayWindow(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE history ADD COLUMN actor_key TEXT")
        let update = try db.makeStatement(sql: "UPDATE history SET actor_key = ? WHERE id = ?")
        let actors = try Row.fetchCursor(db, sql: "SELECT id, actor FROM history WHERE actor IS NOT NULL")
        var keys: [(id: Int64, key: String)] = []
        while let row = try actors.next() { keys.append((row[0], EmailAddress(row[1] as String).key)) }
        for (id, key) in keys { try update.execute(arguments: [key, id]) }
        try db.execute(sql: "CREATE INDEX history_relay_window ON history(ticket_id, actor_key, action, at)")
    }
}

extension SQLiteTicketStore {
    /// One sender's relayed comments on a ticket after a time (arguments: ticket, actor key, time).
    static let relayedCommentsSQL = "SELECT COUNT(*) FROM history WHERE ticket_id = ? AND actor_key = ? AND action = 'comment' AND at > ?"

    /// ``relayedCommentsSQL`` and whether the ticket's held-relays timer is pending, at once (arguments: those three,
    /// then the ticket again). The timer is found by the primary key (`+state`: never through the due index, which
    /// holds every pending timer of the store); decoding all of the ticket's timers to look for it was an eighth of
    /// the instructions of a message relayed on a busy ticket.
    static let relayWindowSQL = """
        SELECT (\(relayedCommentsSQL)),
            EXISTS(SELECT 1 FROM timers WHERE ticket_id = ? AND kind = '\(TimerKind.heldRelays.rawValue)' AND +state = 'pending')
        """
}

extension SQLiteScope {
    public func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                try db.cachedStatement(sql: SQLiteTicketStore.relayedCommentsSQL),
                arguments: [ticket.rawValue, actor.key, SQLiteTicketStore.storedDate(since)]) ?? 0
        }
    }

    public func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow {
        try await read { db in try SQLiteTicketStore.relayWindow(on: ticket, by: actor, since: since, db) }
    }

    public func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts {
        try await read { db in
            var replayed = false
            for key in replayKeys where try SQLiteTicketStore.seen(key, db) {
                replayed = true
                break
            }
            var window: RelayWindow?
            if let ticket, let actor { window = try SQLiteTicketStore.relayWindow(on: ticket, by: actor, since: since, db) }
            return ReplyFacts(replayed: replayed, relayWindow: window)
        }
    }
}

extension SQLiteTicketStore {
    static func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date, _ db: Database) throws -> RelayWindow {
        let row = try Row.fetchOne(
            try db.cachedStatement(sql: relayWindowSQL), arguments: [ticket.rawValue, actor.key, storedDate(since), ticket.rawValue])
        return RelayWindow(relayedLastHour: row?[0] ?? 0, heldWaiting: row?[1] ?? false)
    }
}
