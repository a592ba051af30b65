import Foundation
import PostgresNIO
import RolloutGateway

/// Set-aside messages: kept with their bytes, oldest dropped past a bound in bytes (as the SQLite store). The row
/// of `set_aside_total` is locked by each change, so two instances keep their bookkeeping one after the other.
extension PostgresTransaction {
    public func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage] {
        try await atomically { connection in
            let inserted = try await connection.rows(
                """
                INSERT INTO set_aside (id, message_key, sender, subject, reason, source, received_at, size, message_size, data)
                VALUES (COALESCE(\(message.id), nextval(pg_get_serial_sequence('set_aside', 'id'))), \(message.key), \(message.sender), \(message.subject), \(message.reason), \(message.source),
                        \(message.receivedAt), \(message.bytes.count), \(message.messageSize), \(ByteBuffer(bytes: message.bytes)))
                ON CONFLICT (message_key) DO NOTHING RETURNING id
                """)
            guard let kept = try inserted.first?.get("id", as: Int64.self) else { return [] }
            var total: Int = try await connection.rows(
                "UPDATE set_aside_total SET bytes = bytes + \(message.bytes.count) WHERE id = 1 RETURNING bytes")[0].get("bytes")
            var dropped: [SetAsideMessage] = []
            while total > limit {
                guard let oldest = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT \(Self.setAsideColumns) FROM set_aside WHERE id <> $1 ORDER BY id LIMIT 1", binds: Self.binds(kept))
                ).first else { break }
                let entry = try Self.setAside(oldest, bytes: [])
                total = try await Self.deleteSetAside(entry.id!, size: entry.size, connection)
                dropped.append(entry)
            }
            return dropped
        }
    }

    public func setAsideMessages() async throws -> [SetAsideMessage] {
        try await run { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(Self.setAsideColumns) FROM set_aside ORDER BY id")).map {
                try Self.setAside($0, bytes: [])
            }
        }
    }

    public func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? {
        try await run { connection in
            try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT \(Self.setAsideColumns), data FROM set_aside WHERE id = $1", binds: Self.binds(id))
            ).first.map { try Self.setAside($0, bytes: try $0.bytes("data")) }
        }
    }

    public func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        try await atomically { connection in
            // The total's row first, as keepSetAside locks it: two instances never wait for each other crosswise.
            try await connection.execute("SELECT bytes FROM set_aside_total WHERE id = 1 FOR UPDATE")
            guard let row = try await connection.rows("SELECT message_key, size FROM set_aside WHERE id = \(id) FOR UPDATE").first else {
                return false
            }
            _ = try await Self.deleteSetAside(id, size: try row.get("size"), connection)
            if forgettingSeen {
                try await connection.execute("DELETE FROM messages_seen WHERE message_key = \(try row.get("message_key", as: String.self))")
            }
            return true
        }
    }

    private static let setAsideColumns = "id, message_key, sender, subject, reason, source, received_at, size, message_size"

    private static func setAside(_ row: PostgresRecord, bytes: [UInt8]) throws -> SetAsideMessage {
        SetAsideMessage(
            id: try row.get("id"), key: try row.get("message_key"), sender: try row.get("sender"), subject: try row.get("subject"),
            reason: try row.get("reason"), source: try row.get("source"), receivedAt: try row.get("received_at"), bytes: bytes,
            size: try row.get("size"), messageSize: try row.get("message_size"))
    }

    /// Deletes one set-aside message; returns the bytes still kept.
    private static func deleteSetAside(_ id: Int64, size: Int, _ connection: PostgresConnection) async throws -> Int {
        try await connection.execute("DELETE FROM set_aside WHERE id = \(id)")
        return try await connection.rows("UPDATE set_aside_total SET bytes = bytes - \(size) WHERE id = 1 RETURNING bytes")[0].get("bytes")
    }
}
