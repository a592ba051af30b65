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
        try await connection { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(DirectorySnapshotRow.selection) FROM directory_snapshot WHERE id = 1"))
                .first.map { try PostgresRowDecoder.decode(DirectorySnapshotRow.self, from: $0) }
        }?.storedSnapshot()
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
        try await connection { connection in
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(DirectoryChangeRow.selection) FROM directory_history ORDER BY id DESC LIMIT $1",
                    binds: PostgresTransaction.binds(Int64(limit)))
            ).map { try PostgresRowDecoder.decode(DirectoryChangeRow.self, from: $0) }
        }.reversed().map { try $0.change() }
    }
}
