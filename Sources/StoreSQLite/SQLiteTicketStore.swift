import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// The embedded default store: one SQLite file through GRDB, in WAL mode so that a cron run and an MTA
/// delivery can share it. Every ``commit(_:)`` is one transaction.
public final class SQLiteTicketStore: TicketStore {
    let pool: DatabasePool
    public let path: String
    /// Failed deliveries are retried until this many attempts, then recorded as failed.
    public let maxDeliveryAttempts: Int
    /// Where the store's own timestamps come from (a reserved number's time, a commit without a dated history).
    public let clock: DateSource
    private let cases = CaseCache()
    /// Outbox rows of the current batch whose bytes are still being written.
    private let composingRows = ComposingRows()

    /// Opens (creating if needed) the store at `path` and runs pending migrations.
    ///
    /// - Parameter groupCommits: commit without syncing to disk, and sync many commits at once with ``flush()``.
    ///   A batch must call `flush()` before it lets go of what it committed (a Maildir message moved to `cur/`,
    ///   an IMAP message moved on the server, an MTA told "delivered"); a power loss before that loses the
    ///   commits and keeps the messages, so nothing is lost and nothing applied twice. Without it, every commit
    ///   is synced on its own.
    public init(
        path: String, busyTimeout: TimeInterval = 5, maxDeliveryAttempts: Int = 10, groupCommits: Bool = false,
        clock: DateSource = .system
    ) throws {
        self.path = path
        self.clock = clock
        self.maxDeliveryAttempts = maxDeliveryAttempts
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        // Readers see pages through memory mapping instead of a read() per page after every write.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 268435456") }
        if groupCommits {
            // SQLite WAL: with synchronous=NORMAL a commit is not synced; a checkpoint syncs the WAL first.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        // A batch (``batch(_:)``) keeps its transaction open on the writer between accesses.
        configuration.allowsUnsafeTransactions = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB reads which migrations were applied before it takes the write lock of each: two processes opening
            // a store at once would both run the next one. An exclusive lock on the file around it keeps them apart
            // (flock, not fcntl: SQLite's own locks on the same file are untouched).
            try Self.whileLocked(path) { try Schema.migrator.migrate(pool) }
        } catch {
            throw Self.translate(error, opening: path)
        }
    }

    /// Runs `body` holding an exclusive `flock` on the file at `path`.
    static func whileLocked(_ path: String, _ body: () throws -> Void) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        try body()
    }

    static func translate(_ error: any Error, opening path: String? = nil) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.busy(error.message ?? "database is locked")
        case .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR, .SQLITE_FULL:
            let place = path.map { "\($0): " } ?? ""
            return StoreError.unavailable("\(place)\(error.message ?? "\(error.resultCode)") (expected a writable SQLite file in an existing folder)")
        default: return error
        }
    }

    /// A transaction of its own, or a savepoint of the batch's transaction.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            guard inBatch else { return try await pool.write(body) }
            return try inBatchTransaction { db in
                var result: T?
                try db.inSavepoint {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch { throw Self.translate(error) }
    }

    /// On a reader, or within the batch's transaction (which sees the batch's own changes).
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            guard inBatch else { return try await pool.read(body) }
            return try inBatchTransaction(body)
        } catch { throw Self.translate(error) }
    }

    // MARK: Batches

    /// The store whose batch the current task runs in.
    @TaskLocal private static var batchOwner: ObjectIdentifier?

    private var inBatch: Bool { Self.batchOwner == ObjectIdentifier(self) }

    /// Within a batch: outbox messages still being written are stored with their bytes when the batch commits.
    public var takesComposingMessages: Bool { inBatch }

    /// Runs `body` with every access of this task in one transaction on the writer connection, each write in a
    /// savepoint of it: one transaction instead of one per event saves rewriting the same pages (indexes, the
    /// ticket, the last pages of history and outbox) into the WAL for every event, and a read transaction per event.
    ///
    /// Inside a batch the store is used by one task and holds the write lock, so accesses run on the calling thread
    /// (no switch to GRDB's queue and back) and cannot meet a busy database or a conflicting writer. Other processes
    /// wait for the batch (up to the busy timeout): keep batches short (a group of messages). Durable at ``flush()``,
    /// which is called after the batch, as with every commit.
    public func batch<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard !inBatch else { return try await body() }
        do {
            try writer { db in try db.beginTransaction(.immediate) }
        } catch { throw Self.translate(error) }
        do {
            let result = try await Self.$batchOwner.withValue(ObjectIdentifier(self)) { try await body() }
            try inBatchTransaction { db in
                for (rowID, composing) in composingRows.take() {
                    let bytes = composing.bytes
                    try db.cachedStatement(sql: "UPDATE outbox SET data = ?, text_fingerprint = ? WHERE id = ?")
                        .execute(arguments: [Data(bytes), Self.fingerprintValue(of: bytes), rowID])
                }
                try db.commit()
            }
            return result
        } catch {
            try? writer { db in if db.isInsideTransaction { try db.rollback() } }
            _ = composingRows.take()
            cases.removeAll()  // some were read within the batch
            throw Self.translate(error)
        }
    }

    /// Runs on the writer connection, on the calling thread.
    private func writer<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(body)
    }

    /// Runs within the batch's transaction; SQLite ends a transaction by itself on some errors (a full disk), and then
    /// nothing more of the batch may be written outside it.
    private func inBatchTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writer { db in
            guard db.isInsideTransaction else {
                throw StoreError.unavailable("\(path): the batch's transaction was rolled back by SQLite; nothing of it was kept")
            }
            return try body(db)
        }
    }

    // MARK: Tickets

    public func reserveTicketID() async throws -> TicketID {
        let now = clock.now()
        return try await write { db in try Self.reserve(db, at: now) }
    }

    static func reserve(_ db: Database, at date: Date) throws -> TicketID {
        try db.cachedStatement(sql: "INSERT INTO ticket_sequence (reserved_at) VALUES (?)").execute(arguments: [date])
        return TicketID(Int(db.lastInsertedRowID))
    }

    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws
        -> ReleaseTicket
    {
        try await write { db in
            let id = try Self.reserve(db, at: date)
            let ticket = ReleaseTicket(id: id, release: release, links: links, createdAt: date)
            try Self.insert(ticket, db, at: date)
            try Self.insert(
                HistoryEntry(
                    ticket: id, at: date, cause: cause, authentication: .local, action: "created",
                    detail: "created: \(ticket.title) (status InVerification)"), db)
            return ticket
        }
    }

    public func load(_ ticket: TicketID) async throws -> StoredCase? {
        try await read { [cases] db in try cases.load(ticket, db) }
    }

    // MARK: Commit

    public func commit(_ commit: StoreCommit) async throws {
        // Each message's bytes, and so its sent-text fingerprint, are written with its row, also within a batch: a
        // later message of the same group may paste this one's text below its own words, and must find it as the
        // other drivers do (issue 19; bytes filled in at the batch's commit had the copy's lines read as commands).
        let composing: ComposingRows? = nil
        let clockNow = clock.now()
        try await write { db in
            let now = commit.decision.history.first?.at ?? commit.outbox.first?.createdAt ?? clockNow
            for seen in commit.seen?.rows ?? [] {
                guard try !Self.seen(seen.key, db) else { throw StoreError.alreadySeen(seen.key) }
                try Self.insert(seen, db, at: now)
            }
            let before = commit.base.rolloutCase
            let after = commit.decision.state
            try Self.checkVersion(before.release.id, expected: commit.base.releaseVersion, db)
            if let rolloutID = before.rollout?.id, let expected = commit.base.rolloutVersion {
                try Self.checkVersion(rolloutID, expected: expected, db)
            }
            if before.release != after.release { try Self.update(after.release, db, at: now) }
            if let rollout = after.rollout {
                if before.rollout == nil {
                    try Self.insert(rollout, db, at: now)
                } else if let previous = before.rollout, previous != rollout {
                    try Self.update(rollout, from: previous, db, at: now)
                }
            }
            for entry in commit.decision.history { try Self.insert(entry, db) }
            if let fired = commit.firedTimer {
                // Another process may have fired it since it was read as due: then this firing is void.
                // A repeat scheduled by the first firing has the same key and another due time.
                if let due = commit.firedTimerDueAt {
                    try db.cachedStatement(
                        sql: "UPDATE timers SET state = 'fired', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ? AND state = 'pending' AND due_at = ?"
                    ).execute(arguments: [now, fired.ticket.rawValue, fired.kind.rawValue, fired.team?.description ?? "", due])
                } else {
                    try db.cachedStatement(
                        sql: "UPDATE timers SET state = 'fired', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ? AND state = 'pending'"
                    ).execute(arguments: [now, fired.ticket.rawValue, fired.kind.rawValue, fired.team?.description ?? ""])
                }
                guard db.changesCount == 1 else { throw StoreError.alreadySeen("timer \(fired.kind.rawValue) of ticket \(fired.ticket)") }
            }
            for change in commit.decision.timers { try Self.apply(change, db, at: now) }
            for message in commit.outbox {
                let inserted = try Self.insert(message, db, composing: composing)
                // Another writer queued this person's thread root first: decide again (the root is then known).
                if !inserted, message.opensThread, let ticket = message.ticket { throw StoreError.conflict(ticket) }
            }
            let attachmentTicket = after.rollout?.id ?? after.release.id
            for attachment in commit.attachments {
                try Self.insert(attachment, ticket: attachmentTicket, messageKey: commit.seen?.key, db, at: now)
            }
        }
        if let composing { composingRows.adopt(composing) }
    }

    public func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await write { db in
            guard try !Self.seen(message.key, db) else { throw StoreError.alreadySeen(message.key) }
            try Self.insert(message, db, at: date)
            for outgoing in outbox { try Self.insert(outgoing, db) }
        }
    }

    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup {
        try await read { [cases] db in
            InboundLookup(
                seen: try Self.seen(messageKey, db), stored: try ticket.map { try cases.load($0, db) } ?? nil,
                answersToSender: try sender.map { address in
                    try Self.answerCount(to: address, since: answersSince, db)
                } ?? 0)
        }
    }

    static func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox
                    WHERE kind = ? AND created_at >= ? AND instr(char(10) || lower(recipients) || char(10), ?) > 0
                    """), arguments: [kind.rawValue, storedDate(since), "\n\(address.key)\n"]) ?? 0
    }

    public func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        try await read { db in try Self.outboxCount(to: address, kind: kind, since: since, db) }
    }


    public func flush() async throws {
        do {
            _ = try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(FULL)") }
        } catch { throw Self.translate(error) }
    }

    public func hasSeen(_ key: String) async throws -> Bool {
        try await read { db in try Self.seen(key, db) }
    }

    // MARK: Timers

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM timers WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, ticket_id, kind, team"),
                arguments: [now]
            ).map(Self.timer)
        }
    }

    public func timers(of ticket: TicketID) async throws -> [DueTimer] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM timers WHERE state = 'pending' AND ticket_id = ? ORDER BY due_at, kind, team"),
                arguments: [ticket.rawValue]
            ).map(Self.timer)
        }
    }

    public func markFired(_ key: TimerKey, at date: Date) async throws {
        try await write { db in
            try db.cachedStatement(sql: "UPDATE timers SET state = 'fired', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ?").execute(arguments: [date, key.ticket.rawValue, key.kind.rawValue, key.team?.description ?? ""])
        }
    }

    // MARK: Reading

    public func ticketSummaries() async throws -> [TicketSummary] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM tickets ORDER BY id")).map { row in
                let release = Self.componentRelease(row)
                let queue = Queue(rawValue: row["queue"]) ?? .release
                return TicketSummary(
                    id: row["id"], queue: queue.rawValue, status: row["status"],
                    title: queue == .release ? TicketTitle.release(release) : TicketTitle.stagedRollout(release),
                    parent: row["parent_id"], child: row["child_id"])
            }
        }
    }

    public func history(of ticket: TicketID) async throws -> [HistoryEntry] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM history WHERE ticket_id = ? ORDER BY id"), arguments: [ticket.rawValue])
                .map(Self.historyEntry)
        }
    }

    public func history(of ticket: TicketID, since: Date) async throws -> [HistoryEntry] {
        try await read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM history WHERE ticket_id = ? AND at > ? ORDER BY id"),
                arguments: [ticket.rawValue, Self.storedDate(since)]
            ).map(Self.historyEntry)
        }
    }

    public func attachments(of ticket: TicketID) async throws -> [StoredAttachment] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM attachments WHERE ticket_id = ? ORDER BY id"), arguments: [ticket.rawValue])
                .map { row in
                    StoredAttachment(
                        verdict: AttachmentVerdict(
                            fileName: row["file_name"], kind: AttachmentVerdict.Kind(rawValue: row["kind"]) ?? .other,
                            team: (row["team"] as String?).flatMap(TeamName.init), wellNamed: row["well_named"],
                            problem: row["problem"]),
                        contentType: row["content_type"], bytes: [UInt8](row["data"] as Data))
                }
        }
    }

    // MARK: Outbox

    public func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
                    ORDER BY id LIMIT ?
                    """, arguments: [now, limit]
            ).map(Self.outgoing)
        }
    }

    public func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        guard let rowID = message.rowID,
            let record = DeliveryRecord.after(outcome, of: message, at: date, maxAttempts: maxDeliveryAttempts)
        else { return }
        try await write { db in
            try db.cachedStatement(
                sql: "UPDATE outbox SET attempts = ?, sent_at = ?, failed_at = ?, next_attempt_at = ?, last_error = ? WHERE id = ?"
            ).execute(arguments: [record.attempts, record.sentAt, record.failedAt, Self.storedDate(record.nextAttemptAt), record.lastError, rowID])
        }
    }

    public func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM outbox WHERE sent_at >= ? AND instr(char(10) || lower(recipients) || char(10), ?) > 0"
                        + Self.kindFilter(kinds)),
                arguments: StatementArguments([since, "\n\(address.key)\n"] + (kinds ?? []).map(\.rawValue))) ?? 0
        }
    }

    public func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) FROM (SELECT DISTINCT kind, created_at FROM outbox WHERE sent_at >= ? AND ticket_id = ?"
                        + Self.kindFilter(kinds) + ")"),
                arguments: StatementArguments([since, ticket.rawValue] + (kinds ?? []).map(\.rawValue))) ?? 0
        }
    }

    /// ` AND kind IN (?, …)` for the kinds given, nothing for nil.
    static func kindFilter(_ kinds: [OutboxKind]?) -> String {
        guard let kinds else { return "" }
        return kinds.isEmpty ? " AND 0" : " AND kind IN (" + Array(repeating: "?", count: kinds.count).joined(separator: ", ") + ")"
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
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mailbox_cursors WHERE mailbox = ?"), arguments: [mailbox]).map {
                MailboxCursor(uidValidity: UInt32($0["uid_validity"] as Int64), lastUID: UInt32($0["last_uid"] as Int64))
            }
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
                arguments: [mailbox, Int64(uidValidity), Int64(uid)]) ?? 1
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
