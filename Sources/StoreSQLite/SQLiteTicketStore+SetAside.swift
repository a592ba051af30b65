import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// Set-aside messages: kept with their bytes, oldest dropped past a bound in bytes.
extension SQLiteScope {
    public func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage] {
        try await write { db in
            try db.cachedStatement(sql: """
                    INSERT INTO set_aside (id, message_key, sender, subject, reason, source, received_at, size, message_size, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (message_key) DO NOTHING
                    """).execute(arguments: [
                    message.id, message.key, message.sender, message.subject, message.reason, message.source,
                    SQLiteTicketStore.storedDate(message.receivedAt), message.bytes.count, message.messageSize, Data(message.bytes),
                ])
            guard db.changesCount == 1 else { return [] }
            let kept = db.lastInsertedRowID
            try db.cachedStatement(sql: "UPDATE set_aside_total SET bytes = bytes + ? WHERE id = 1").execute(arguments: [message.bytes.count])
            var dropped: [SetAsideMessage] = []
            while try SQLiteTicketStore.setAsideBytes(db) > limit {
                guard let oldest = try SetAsideRow.fetchOne(
                        db.cachedStatement(sql: "SELECT \(SetAsideRow.selection) FROM set_aside WHERE id <> ? ORDER BY id LIMIT 1"),
                        arguments: [kept])
                else { break }
                let entry = try oldest.message()
                try SQLiteTicketStore.deleteSetAside(entry.id!, size: entry.size, db)
                dropped.append(entry)
            }
            return dropped
        }
    }

    public func setAsideMessages() async throws -> [SetAsideMessage] {
        try await read { db in
            try SetAsideRow.fetchAll(db.cachedStatement(sql: "SELECT \(SetAsideRow.selection) FROM set_aside ORDER BY id")).map { try $0.message() }
        }
    }

    public func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage? {
        try await read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(SetAsideRow.selection), data FROM set_aside WHERE id = ?"), arguments: [id])
            else { return nil }
            return try SetAsideRow(row: row).message(bytes: [UInt8](try row.decode(Data.self, forColumn: "data")))
        }
    }

    public func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool {
        try await write { db in
            guard let row = try SetAsideRow.fetchOne(db.cachedStatement(sql: "SELECT \(SetAsideRow.selection) FROM set_aside WHERE id = ?"), arguments: [id])
            else { return false }
            let entry = try row.message()
            try SQLiteTicketStore.deleteSetAside(id, size: entry.size, db)
            if forgettingSeen {
                try db.cachedStatement(sql: "DELETE FROM messages_seen WHERE message_key = ?").execute(arguments: [entry.key])
            }
            return true
        }
    }
}

extension SQLiteTicketStore {
    static func setAsideBytes(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM set_aside_total WHERE id = 1"))
            .storedRequired(table: "set_aside_total", column: "bytes")
    }

    static func deleteSetAside(_ id: Int64, size: Int, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM set_aside WHERE id = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "UPDATE set_aside_total SET bytes = bytes - ? WHERE id = 1").execute(arguments: [size])
    }
}
