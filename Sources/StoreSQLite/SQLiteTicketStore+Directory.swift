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
        let found = try await read { db -> (Date, String)? in
            try Row.fetchOne(db, sql: "SELECT taken_at, snapshot FROM directory_snapshot WHERE id = 1").map { ($0["taken_at"], $0["snapshot"]) }
        }
        guard let (takenAt, text) = found else { return nil }
        return StoredDirectorySnapshot(snapshot: try DirectorySnapshot.decoded(text), takenAt: takenAt)
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
        let rows = try await read { db -> [(Date, String, String, String, String)] in
            try Row.fetchAll(
                db, sql: "SELECT at, action, team, person, address FROM directory_history ORDER BY id DESC LIMIT ?", arguments: [limit]
            ).map { ($0["at"], $0["action"], $0["team"], $0["person"], $0["address"]) }
        }
        return try rows.reversed().map { at, written, team, person, address in
            guard let action = DirectoryChange.Action(rawValue: written) else {
                throw StoreError.unknownValue(table: "directory_history", column: "action", value: written)
            }
            return DirectoryChange(at: at, action: action, team: team, person: person, address: address)
        }
    }
}
