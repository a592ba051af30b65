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
        let row = try await read { db in try Row.fetchOne(db, sql: "SELECT taken_at, snapshot FROM directory_snapshot WHERE id = 1") }
        guard let row else { return nil }
        return StoredDirectorySnapshot(snapshot: try DirectorySnapshot.decoded(row["snapshot"]), takenAt: row["taken_at"])
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
        let rows = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT at, action, team, person, address FROM directory_history ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
        return try rows.reversed().map { row in
            let written: String = row["action"]
            guard let action = DirectoryChange.Action(rawValue: written) else {
                throw StoreError.unknownValue(table: "directory_history", column: "action", value: written)
            }
            return DirectoryChange(at: row["at"], action: action, team: row["team"], person: row["person"], address: row["address"])
        }
    }
}
