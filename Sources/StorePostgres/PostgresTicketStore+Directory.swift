import Foundation
import PostgresNIO
import RolloutGateway

extension PostgresSchema {
    /// Migration 5: the directory's snapshot (one row, replaced by each sync) and its changes (issue 22).
    static let directoryTables = [
        """
        CREATE TABLE directory_snapshot (
            id BIGINT PRIMARY KEY CHECK (id = 1),
            taken_at TIMESTAMPTZ NOT NULL,
            snapshot TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE directory_history (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL,
            action TEXT NOT NULL,
            team TEXT NOT NULL,
            person TEXT NOT NULL,
            address TEXT NOT NULL
        )
        """,
    ]
}

extension PostgresTicketStore: DirectoryStore {
    public func directorySnapshot() async throws -> StoredDirectorySnapshot? {
        let found = try await connection { connection in
            try await connection.rows("SELECT taken_at, snapshot FROM directory_snapshot WHERE id = 1").first.map {
                (try $0.get("taken_at", as: Date.self), try $0.get("snapshot", as: String.self))
            }
        }
        guard let (takenAt, text) = found else { return nil }
        return StoredDirectorySnapshot(snapshot: try DirectorySnapshot.decoded(text), takenAt: takenAt)
    }

    public func saveDirectorySnapshot(_ stored: StoredDirectorySnapshot, changes: [DirectoryChange]) async throws {
        let text = try stored.snapshot.encoded()
        try await transaction { transaction in
            try await transaction.run { connection in
                try await connection.execute(
                    """
                    INSERT INTO directory_snapshot (id, taken_at, snapshot) VALUES (1, \(stored.takenAt), \(text))
                    ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, snapshot = excluded.snapshot
                    """)
                for change in changes {
                    try await connection.execute(
                        """
                        INSERT INTO directory_history (at, action, team, person, address)
                        VALUES (\(change.at), \(change.action.rawValue), \(change.team), \(change.person), \(change.address))
                        """)
                }
            }
        }
    }

    public func directoryHistory(limit: Int) async throws -> [DirectoryChange] {
        let rows = try await connection { connection in
            try await connection.rows(
                "SELECT at, action, team, person, address FROM directory_history ORDER BY id DESC LIMIT \(Int64(limit))"
            ).map { row in
                (
                    try row.get("at", as: Date.self), try row.get("action", as: String.self), try row.get("team", as: String.self),
                    try row.get("person", as: String.self), try row.get("address", as: String.self)
                )
            }
        }
        return try rows.reversed().map { at, written, team, person, address in
            guard let action = DirectoryChange.Action(rawValue: written) else {
                throw StoreError.unknownValue(table: "directory_history", column: "action", value: written)
            }
            return DirectoryChange(at: at, action: action, team: team, person: person, address: address)
        }
    }
}
