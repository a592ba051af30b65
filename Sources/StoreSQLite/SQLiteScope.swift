import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// Where the SQLite driver's statements run: the store's own transactions (``SQLiteTicketStore``, each operation one)
/// or one open on the writer (``SQLiteTransaction``). Every operation is written once, here and in the other
/// extensions of this protocol, over the two accesses each kind of place provides.
public protocol SQLiteScope: StoreTransaction {
    var store: SQLiteTicketStore { get }
    /// Runs `body` as one write, all or nothing: a transaction of its own, or a savepoint of the open one.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T
    /// Runs `body` as one read: on a reader (what is committed), or within the open transaction (what it wrote too).
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T
}

extension SQLiteScope {
    // MARK: Tickets

    public func reserveTicketID() async throws -> TicketID {
        let now = store.clock.now()
        return try await write { db in try SQLiteTicketStore.reserve(db, at: now) }
    }


    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws
        -> ReleaseTicket
    {
        try await write { db in
            let id = try SQLiteTicketStore.reserve(db, at: date)
            let ticket = ReleaseTicket(id: id, release: release, links: links, createdAt: date)
            try SQLiteTicketStore.insert(ticket, db, at: date)
            try SQLiteTicketStore.insert(
                HistoryEntry(
                    ticket: id, at: date, cause: cause, authentication: .local, action: .created,
                    detail: "created: \(ticket.title) (status InVerification)"), db)
            return ticket
        }
    }

    public func load(_ ticket: TicketID) async throws -> StoredCase? {
        try await read { [cases = store.cases] db in try cases.load(ticket, db) }
    }

    // MARK: Commit

    public func commit(_ commit: StoreCommit) async throws {
        let clockNow = store.clock.now()
        try await write { db in
            let now = commit.decision.history.first?.at ?? commit.outbox.first?.createdAt ?? clockNow
            for seen in commit.seen?.rows ?? [] {
                guard try !SQLiteTicketStore.seen(seen.key, db) else { throw StoreError.alreadySeen(seen.key) }
                try SQLiteTicketStore.insert(seen, db, at: now)
            }
            let before = commit.base.rolloutCase
            let after = commit.decision.state
            try SQLiteTicketStore.checkVersion(before.release.id, expected: commit.base.releaseVersion, db)
            if let rolloutID = before.rollout?.id, let expected = commit.base.rolloutVersion {
                try SQLiteTicketStore.checkVersion(rolloutID, expected: expected, db)
            }
            if before.release != after.release { try SQLiteTicketStore.update(after.release, db, at: now) }
            if let rollout = after.rollout {
                if before.rollout == nil {
                    try SQLiteTicketStore.insert(rollout, db, at: now)
                } else if let previous = before.rollout, previous != rollout {
                    try SQLiteTicketStore.update(rollout, from: previous, db, at: now)
                }
            }
            for entry in commit.decision.history { try SQLiteTicketStore.insert(entry, db) }
            if let fired = commit.firedTimer {
                // Another process may have fired it since it was read as due: then this firing is void.
                // A repeat scheduled by the first firing has the same key and another due time.
                if let due = commit.firedTimerDueAt {
                    try db.cachedStatement(
                        sql: "UPDATE timers SET state = 'fired', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ? AND state = 'pending' AND due_at = ?"
                    ).execute(arguments: [
                        SQLiteTicketStore.storedDate(now), fired.ticket.rawValue, fired.kind.rawValue, fired.team?.description ?? "",
                        SQLiteTicketStore.storedDate(due),
                    ])
                } else {
                    try db.cachedStatement(
                        sql: "UPDATE timers SET state = 'fired', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ? AND state = 'pending'"
                    ).execute(arguments: [SQLiteTicketStore.storedDate(now), fired.ticket.rawValue, fired.kind.rawValue, fired.team?.description ?? ""])
                }
                guard db.changesCount == 1 else { throw StoreError.alreadySeen("timer \(fired.kind.rawValue) of ticket \(fired.ticket)") }
            }
            for change in commit.decision.timers { try SQLiteTicketStore.apply(change, db, at: now) }
            for message in commit.outbox {
                let inserted = try SQLiteTicketStore.insert(message, db)
                // Another writer queued this person's thread root first: decide again (the root is then known).
                if !inserted, message.opensThread, let ticket = message.ticket { throw StoreError.conflict(ticket) }
            }
            let attachmentTicket = after.rollout?.id ?? after.release.id
            for attachment in commit.attachments {
                try SQLiteTicketStore.insert(attachment, ticket: attachmentTicket, messageKey: commit.seen?.key, db, at: now)
            }
        }
    }

    public func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await write { db in
            guard try !SQLiteTicketStore.seen(message.key, db) else { throw StoreError.alreadySeen(message.key) }
            try SQLiteTicketStore.insert(message, db, at: date)
            for outgoing in outbox { try SQLiteTicketStore.insert(outgoing, db) }
        }
    }

    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    {
        try await read { [cases = store.cases] db in
            InboundLookup(
                seen: try SQLiteTicketStore.seen(messageKey, db), stored: try ticket.map { try cases.load($0, db) } ?? nil,
                answersToSender: try sender.map { address in
                    try SQLiteTicketStore.answerCount(to: address, since: answersSince, db)
                } ?? 0,
                sentText: try sentText.map { try SQLiteTicketStore.sentText($0, ticket: ticket, recipient: sender, db) } ?? [])
        }
    }


    public func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        try await read { db in try SQLiteTicketStore.outboxCount(to: address, kind: kind, since: since, db) }
    }



    public func hasSeen(_ key: String) async throws -> Bool {
        try await read { db in try SQLiteTicketStore.seen(key, db) }
    }

    // MARK: Timers

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await read { db in
            try TimerRow.pending.filter(TimerRow.Columns.dueAt <= now)
                .order(TimerRow.Columns.dueAt, TimerRow.Columns.ticketID, TimerRow.Columns.kind, TimerRow.Columns.team)
                .fetchAll(db).map { try $0.dueTimer() }
        }
    }

    /// One probe of the index `timers_due (state, due_at)`, however many tickets are open.
    public func anyTimerDue(at now: Date) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(
                try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM timers WHERE state = 'pending' AND due_at <= ?)"), arguments: [now]) ?? false
        }
    }

    /// Hand SQL, kept in GRDB's statement cache: read for every relayed message (its relay window).
    public func timers(of ticket: TicketID) async throws -> [DueTimer] {
        try await read { db in
            try TimerRow.fetchAll(
                try db.cachedStatement(sql: SQLiteTicketStore.pendingTimersOfTicketSQL),
                arguments: [ticket.rawValue]
            ).map { try $0.dueTimer() }
        }
    }

    public func markFired(_ key: TimerKey, at date: Date) async throws {
        try await write { db in
            _ = try TimerRow.keyed(key).updateAll(db, TimerRow.Columns.state.set(to: "fired"), TimerRow.Columns.settledAt.set(to: date))
        }
    }

    // MARK: Reading

    public func ticketSummaries() async throws -> [TicketSummary] {
        try await read { db in
            try TicketRow.fetchAll(try db.cachedStatement(sql: "SELECT \(TicketRow.selection) FROM tickets ORDER BY id")).map { try $0.ticketSummary() }
        }
    }

    public func history(of ticket: TicketID) async throws -> [HistoryEntry] {
        try await read { db in
            try HistoryRow.fetchAll(
                try db.cachedStatement(sql: "SELECT \(HistoryRow.selection) FROM history WHERE ticket_id = ? ORDER BY id"), arguments: [ticket.rawValue])
                .map { try $0.entry() }
        }
    }

    public func attachments(of ticket: TicketID) async throws -> [StoredAttachment] {
        try await read { db in
            try AttachmentRow.fetchAll(
                try db.cachedStatement(sql: "SELECT \(AttachmentRow.selection) FROM attachments WHERE ticket_id = ? ORDER BY id"),
                arguments: [ticket.rawValue]
            ).map { try $0.attachment() }
        }
    }

    public func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary] {
        try await read { db in
            try AttachmentSummaryRow.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT \(AttachmentSummaryRow.selection(length: "length")) FROM attachments WHERE ticket_id = ? ORDER BY id"),
                arguments: [ticket.rawValue]
            ).map { try $0.summary() }
        }
    }

    // MARK: Outbox

    public func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await read { db in
            try OutboxRow.due(at: now, limit: limit).fetchAll(db).map { try $0.message() }
        }
    }

    public func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        guard let rowID = message.rowID,
            let record = DeliveryRecord.after(outcome, of: message, at: date, maxAttempts: store.maxDeliveryAttempts)
        else { return }
        try await write { db in
            try db.cachedStatement(
                sql: "UPDATE outbox SET attempts = ?, sent_at = ?, failed_at = ?, next_attempt_at = ?, last_error = ? WHERE id = ?"
            ).execute(arguments: [record.attempts, record.sentAt, record.failedAt, SQLiteTicketStore.storedDate(record.nextAttemptAt), record.lastError, rowID])
        }
    }

    public func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM outbox WHERE sent_at >= ? AND instr(char(10) || lower(recipients) || char(10), ?) > 0"
                        + SQLiteTicketStore.kindFilter(kinds)),
                arguments: StatementArguments([since, "\n\(address.key)\n"] + (kinds ?? []).map(\.rawValue))) ?? 0
        }
    }

    public func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM (SELECT DISTINCT kind, created_at FROM outbox WHERE sent_at >= ? AND ticket_id = ?"
                        + SQLiteTicketStore.kindFilter(kinds) + ")"),
                arguments: StatementArguments([since, ticket.rawValue] + (kinds ?? []).map(\.rawValue))) ?? 0
        }
    }


    public func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE kind = ? AND created_at >= ? AND ticket_id = ?"),
                arguments: [kind.rawValue, since, ticket.rawValue]) ?? 0
        }
    }

    public func cursor(of mailbox: String) async throws -> MailboxCursor? {
        try await read { db in
            try MailboxCursorRow.fetchOne(
                db.cachedStatement(sql: "SELECT \(MailboxCursorRow.selection) FROM mailbox_cursors WHERE mailbox = ?"), arguments: [mailbox]
            ).map { try $0.cursor() }
        }
    }

    public func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
                    ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid
                    """
            ).execute(arguments: [mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID)])
        }
    }

    public func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int {
        try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO fetch_attempts (mailbox, uid_validity, uid, attempts, last_error) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error
                    """
            ).execute(arguments: [mailbox, Int64(uidValidity), Int64(uid), error])
            return try Int.fetchOne(
                db.cachedStatement(sql: "SELECT attempts FROM fetch_attempts WHERE mailbox = ? AND uid_validity = ? AND uid = ?"),
                arguments: [mailbox, Int64(uidValidity), Int64(uid)]
            ).storedRequired(table: "fetch_attempts", column: "attempts")
        }
    }

    public func postpone(_ message: OutgoingMessage, until date: Date) async throws {
        guard let rowID = message.rowID else { return }
        try await write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET next_attempt_at = ? WHERE id = ?").execute(arguments: [date, rowID])
        }
    }

    public func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) {
        try await read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                      COALESCE(SUM(sent_at IS NULL AND failed_at IS NULL), 0) AS queued,
                      COALESCE(SUM(sent_at IS NOT NULL), 0) AS sent,
                      COALESCE(SUM(failed_at IS NOT NULL), 0) AS failed
                    FROM outbox
                    """)!
            return (row["queued"], row["sent"], row["failed"])
        }
    }
}
