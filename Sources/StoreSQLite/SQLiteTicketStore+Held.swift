import Foundation
import GRDB
import RolloutCore
import RolloutGateway

extension SQLiteScope {
    public func hold(_ message: OutgoingMessage, until date: Date, reason: String) async throws {
        guard let rowID = message.rowID else { return }
        try await write { db in
            try db.cachedStatement(sql: "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?")
                .execute(arguments: [SQLiteTicketStore.storedDate(date), DeliveryRecord.held(reason), rowID])
        }
    }

    public func heldOutbox() async throws -> [OutgoingMessage] {
        try await read { db in
            try OutboxRow.fetchAll(
                db.cachedStatement(sql: "SELECT \(OutboxRow.selection) FROM outbox WHERE \(SQLiteTicketStore.heldCondition) ORDER BY id"),
                arguments: [DeliveryRecord.heldMark + "%"]
            ).map { try $0.message() }
        }
    }

    public func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage] {
        let recipient = address.map { "\n\($0.key)\n" }
        return try await write { db in
            let condition =
                SQLiteTicketStore.heldCondition + (recipient == nil ? "" : " AND instr(char(10) || lower(recipients) || char(10), ?) > 0")
            let values: [String] = [DeliveryRecord.heldMark + "%"] + (recipient.map { [$0] } ?? [])
            let arguments = StatementArguments(values)
            let released = try OutboxRow.fetchAll(db, sql: "SELECT \(OutboxRow.selection) FROM outbox WHERE \(condition) ORDER BY id", arguments: arguments)
                .map { try $0.message() }
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, last_error = NULL WHERE \(condition)",
                arguments: [SQLiteTicketStore.storedDate(now)] + arguments)
            return released
        }
    }
}

extension SQLiteTicketStore {
    /// Queued rows marked held; one argument, the mark's `LIKE` pattern.
    static let heldCondition = "sent_at IS NULL AND failed_at IS NULL AND last_error LIKE ?"
}
