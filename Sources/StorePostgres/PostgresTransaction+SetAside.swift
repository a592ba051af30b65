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
            var total = try await Self.changeSetAsideTotal(by: message.bytes.count, connection)
            var dropped: [SetAsideMessage] = []
            while total > limit {
                guard let oldest = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT \(SetAsideRow.selection) FROM set_aside WHERE id <> $1 ORDER BY id LIMIT 1", binds: Self.binds(kept))
                ).first else { break }
                let entry = try PostgresRowDecoder.decode(SetAsideRow.self, from: oldest).message()
                total = try await Self.deleteSetAside(entry.id!, size: entry.size, connection)
                dropped.append(entry)
            }
            return dropped
        }
    }

    public func setAsideMessages() async throws -> [SetAsideMessage] {
        try await read { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(SetAsideRow.selection) FROM set_aside ORDER BY id")).map {
                try PostgresRowDecoder.decode(SetAsideRow.self, from: $0).message()
            }
        }
    }

    public func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? {
        try await read { connection in
            try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT \(SetAsideRow.selection), data FROM set_aside WHERE id = $1", binds: Self.binds(id))
            ).first.map { try PostgresRowDecoder.decode(SetAsideRow.self, from: $0).message(bytes: try $0.bytes("data")) }
        }
    }

    public func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        try await atomically { connection in
            // The total's row first, as keepSetAside locks it: two instances never wait for each other crosswise.
            try await connection.execute("SELECT bytes FROM set_aside_total WHERE id = 1 FOR UPDATE")
            guard let row = try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT \(SetAsideRow.selection) FROM set_aside WHERE id = $1 FOR UPDATE", binds: Self.binds(id))
            ).first else {
                return false
            }
            let entry = try PostgresRowDecoder.decode(SetAsideRow.self, from: row).message()
            _ = try await Self.deleteSetAside(id, size: entry.size, connection)
            if forgettingSeen {
                try await connection.execute("DELETE FROM messages_seen WHERE message_key = \(entry.key)")
            }
            return true
        }
    }

    /// Deletes one set-aside message; returns the bytes still kept.
    private static func deleteSetAside(_ id: Int64, size: Int, _ connection: PostgresConnection) async throws -> Int {
        try await connection.execute("DELETE FROM set_aside WHERE id = \(id)")
        return try await changeSetAsideTotal(by: -size, connection)
    }

    /// Adds `bytes` to the bytes kept; returns the new total. Its one row missing is an error, never a total of 0.
    private static func changeSetAsideTotal(by bytes: Int, _ connection: PostgresConnection) async throws -> Int {
        try await connection.rows("UPDATE set_aside_total SET bytes = bytes + \(bytes) WHERE id = 1 RETURNING bytes").first
            .storedRequired(table: "set_aside_total", column: "bytes").get("bytes")
    }
}
