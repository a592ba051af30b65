import Foundation
import GRDB
import RolloutGateway

/// The directory's snapshot (one row, replaced by each sync) and its changes (issue 22).
extension SQLiteTicketStore: DirectoryStore {
    /// Migration v12.
    static func migrateDirectory(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE directory_snapshot (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    taken_at DATETIME NOT NULL,
                    snapshot TEXT NOT NULL
                );
                CREATE TABLE directory_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at DATETIME NOT NULL,
                    action TEXT NOT NULL,
                    team TEXT NOT NULL,
                    person TEXT NOT NULL,
                    address TEXT NOT NULL
                );
                """)
    }

    public func directorySnapshot() async throws -> StoredDirectorySnapshot? {
        try await read { db in
            try DirectorySnapshotRow.fetchOne(db, sql: "SELECT \(DirectorySnapshotRow.selection) FROM directory_snapshot WHERE id = 1")
        }?.storedSnapshot()
    }

    public func saveDirectorySnapshot(_ stored: StoredDirectorySnapshot, changes: [DirectoryChange]) async throws {
        let text = try stored.snapshot.encoded()
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO directory_snapshot (id, taken_at, snapshot) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, snapshot = excluded.snapshot
                    """, arguments: [stored.takenAt, text])
            let insert = try db.makeStatement(
                sql: "INSERT INTO directory_history (at, action, team, person, address) VALUES (?, ?, ?, ?, ?)")
            for change in changes {
                try insert.execute(arguments: [change.at, change.action.rawValue, change.team, change.person, change.address])
            }
        }
    }

    public func directoryHistory(limit: Int) async throws -> [DirectoryChange] {
        try await read { db in
            try DirectoryChangeRow.fetchAll(
                db, sql: "SELECT \(DirectoryChangeRow.selection) FROM directory_history ORDER BY id DESC LIMIT ?", arguments: [limit])
        }.reversed().map { try $0.change() }
    }
}
