import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// The embedded default store: one SQLite file through GRDB, in WAL mode so that a cron run and an MTA
/// delivery can share it. Every operation is one transaction, or part of the one ``withTransaction(_:)`` opens.
public final class SQLiteTicketStore: TicketStore, SQLiteScope {
    let pool: DatabasePool
    public let path: String
    /// Failed deliveries are retried until this many attempts, then recorded as failed.
    public let maxDeliveryAttempts: Int
    /// Where the store's own timestamps come from (a reserved number's time, a commit without a dated history).
    public let clock: DateSource
    let cases = CaseCache()
    /// Keeps this process's other writes off the writer while a transaction is open on it.
    let gate = TransactionGate()

    public var store: SQLiteTicketStore { self }

    /// Opens (creating if needed) the store at `path` and runs pending migrations.
    ///
    /// - Parameter groupCommits: commit without syncing to disk, and sync many commits at once with ``flush()``.
    ///   A batch must call `flush()` before it lets go of what it committed (a Maildir message moved to `cur/`,
    ///   an IMAP message moved on the server, an MTA told "delivered"); a power loss before that loses the
    ///   commits and keeps the messages, so nothing is lost and nothing applied twice. Without it, every commit
    ///   is synced on its own.
    ///
    /// - Parameter mapBytes: how much of the file readers map into memory (`PRAGMA mmap_size`; 0: none): page-cache
    ///   pages shared with the kernel, not the process's own memory, bounded by `store.sqlite_map_mib`.
    public init(
        path: String, busyTimeout: TimeInterval = 5, maxDeliveryAttempts: Int = 10, groupCommits: Bool = false,
        clock: DateSource = .system, mapBytes: Int = 256 << 20
    ) throws {
        self.path = path
        self.clock = clock
        self.maxDeliveryAttempts = maxDeliveryAttempts
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        // Readers see pages through memory mapping instead of a read() per page after every write.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = \(max(0, mapBytes))") }
        if groupCommits {
            // SQLite WAL: with synchronous=NORMAL a commit is not synced; a checkpoint syncs the WAL first.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        // A transaction (``withTransaction(_:)``) stays open on the writer between accesses: its body is async (it
        // decides, runs hooks, renders between writes) and GRDB's access closures are synchronous, so the
        // transaction cannot live inside one of them. GRDB then leaves keeping it apart to us: every other access
        // of this process to the writer passes ``gate``, which the transaction holds while it is open.
        configuration.allowsUnsafeTransactions = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB reads which migrations were applied before it takes the write lock of each: two processes opening
            // a store at once would both run the next one. An exclusive lock on the file around it keeps them apart
            // (flock, not fcntl: SQLite's own locks on the same file are untouched).
            try Self.whileLocked(path) {
                try Self.refuseNewerSchema(pool, path)
                try Schema.migrator.migrate(pool)
            }
            // Each message or timer is a savepoint nested in its group's transaction, and SQLite keeps the pages a
            // savepoint changes in a statement journal, written to a file in /var/tmp once it passes 64 KiB: tens of
            // megabytes per `tick`, never read unless a piece is undone. Kept in memory on the writer, once migrated:
            // a piece's journal is as large as the pages it changes and emptied when it ends; one statement that
            // rewrites many rows (releasing held mail) journals them in memory too, beside the rows it reads. The
            // migrations before it sort in files (an index built over a years-old table), and so do the readers.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
        } catch {
            throw Self.translate(error, opening: path)
        }
    }

    /// Refuses a store migrated by a newer rollout-gateway, as the PostgreSQL store refuses a newer schema: an older
    /// binary would read and write it without the changes it does not know (migration v15 rewrote an index its
    /// look-up no longer matches, and a later one may change what a column means).
    static func refuseNewerSchema(_ pool: DatabasePool, _ path: String) throws {
        let unknown = try pool.read { db in try Schema.migrator.appliedIdentifiers(db).subtracting(Schema.migrator.migrations) }
        guard unknown.isEmpty else {
            throw StoreError.unavailable(
                "\(path): migrated by a newer rollout-gateway (\(unknown.sorted().joined(separator: "; "))), which this one does not know (it knows up to \"\(Schema.migrator.migrations.last ?? "")\"); upgrade rollout-gateway before using this store")
        }
    }

    /// Runs `body` holding an exclusive `flock` on the folder of the file at `path` — not on the file itself:
    /// closing any descriptor of the database file drops every POSIX lock this process holds on it, SQLite's shared
    /// lock among them, and another process closing its last connection then took itself for the last one and
    /// checkpointed and removed the WAL under this one's open pool ("database disk image is malformed" in
    /// `serve`, the first process to keep a store open while others come and go).
    static func whileLocked(_ path: String, _ body: () throws -> Void) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
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
        // As on PostgreSQL (SQLSTATE class 23): the unique keys the workflow races on are read by the statements
        // themselves (ON CONFLICT); any other constraint met is a fault to report, never retried as busy.
        case .SQLITE_CONSTRAINT: return StoreError.brokenConstraint(error.message ?? "constraint failed")
        default: return error
        }
    }

    /// A transaction of its own, once no transaction of this process is open on the writer.
    public func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await gate.passing { try await pool.write(body) }
        } catch { throw Self.translate(error) }
    }

    /// On a reader: what is committed.
    public func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch { throw Self.translate(error) }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on the writer connection (`BEGIN IMMEDIATE`): everything written through the
    /// ``SQLiteTransaction`` it gets is committed when it returns, and rolled back when it throws. One transaction for
    /// a group of messages instead of one each saves rewriting the same pages (indexes, the ticket, the last pages of
    /// history and outbox) into the WAL for every message.
    ///
    /// The transaction holds the write lock: other processes wait for it (up to the busy timeout), and this process's
    /// other writes wait at ``gate``; reads on the readers go on, seeing what was committed. Keep transactions short
    /// (a group of messages). Durable at ``flush()``, which is called after the transaction, as with every commit.
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await gate.passing {
            do {
                try writer { db in try db.beginTransaction(.immediate) }
            } catch { throw Self.translate(error) }
            let transaction = SQLiteTransaction(store: self, depth: 0)
            do {
                let result = try await body(transaction)
                transaction.close()
                do {
                    try inTransaction { db in try db.commit() }
                } catch { throw Self.translate(error) }
                return result
            } catch {
                transaction.close()
                try? writer { db in if db.isInsideTransaction { try db.rollback() } }
                cases.removeAll()  // some were read, or written, within the transaction
                throw error
            }
        }
    }

    /// Runs on the writer connection, on the calling thread.
    func writer<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(body)
    }

    /// Runs within the open transaction; SQLite ends a transaction by itself on some errors (a full disk), and then
    /// nothing more of it may be written outside it.
    func inTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writer { db in
            guard db.isInsideTransaction else {
                throw StoreError.unavailable("\(path): the transaction was rolled back by SQLite; nothing of it was kept")
            }
            return try body(db)
        }
    }

    // MARK: Rows

    static func reserve(_ db: Database, at date: Date) throws -> TicketID {
        try db.cachedStatement(sql: "INSERT INTO ticket_sequence (reserved_at) VALUES (?)").execute(arguments: [date])
        return TicketID(Int(db.lastInsertedRowID))
    }

    static func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox
                    WHERE kind = ? AND created_at >= ? AND instr(char(10) || lower(recipients) || char(10), ?) > 0
                    """), arguments: [kind.rawValue, storedDate(since), "\n\(address.key)\n"]) ?? 0
    }

    /// ` AND kind IN (?, …)` for the kinds given, nothing for nil.
    static func kindFilter(_ kinds: [OutboxKind]?) -> String {
        guard let kinds else { return "" }
        return kinds.isEmpty ? " AND 0" : " AND kind IN (" + Array(repeating: "?", count: kinds.count).joined(separator: ", ") + ")"
    }

    /// Makes every commit so far durable. A FULL checkpoint syncs the WAL before it copies it; but when a reader of
    /// another process holds old frames, SQLite copies nothing, syncs nothing and says so only in its result row
    /// (busy = 1) — then the WAL file is synced here, so that nothing is released to its source on a promise.
    public func flush() async throws {
        let walPath = path + "-wal"
        do {
            try await gate.passing {
                let complete = try await pool.writeWithoutTransaction { db -> Bool in
                    guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(FULL)") else { return false }
                    let busy: Int = row[0]
                    let frames: Int = row[1]
                    let copied: Int = row[2]
                    return busy == 0 && copied >= frames
                }
                if !complete { try Self.sync(walPath) }
            }
        } catch { throw Self.translate(error) }
    }

    /// `fsync` of a file that exists (a WAL file that is not there holds nothing to sync).
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw StoreError.unavailable("\(path): cannot be opened to sync it (errno \(errno))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.unavailable("\(path): fsync failed (errno \(errno))") }
    }
}
