import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Outbox messages held by the volume caps: marked in `last_error`, listed, released by the operator.
extension PostgresTransaction {
    public func hold(_ message: OutgoingMessage, until date: Date, reason: String) async throws {
        guard let rowID = message.rowID else { return }
        try await run { connection in
            try await connection.execute(
                """
                UPDATE outbox SET next_attempt_at = \(date), last_error = \(DeliveryRecord.held(reason)), claimed_until = NULL
                WHERE id = \(Int(rowID))
                """)
        }
    }

    public func heldOutbox() async throws -> [OutgoingMessage] {
        try await read { connection in
            try await connection.rows(
                """
                SELECT * FROM outbox
                WHERE sent_at IS NULL AND failed_at IS NULL AND starts_with(last_error, \(DeliveryRecord.heldMark))
                ORDER BY id
                """
            ).map(Self.outgoing)
        }
    }

    public func releaseHeld(to address: EmailAddress?, at now: Date) async throws -> [OutgoingMessage] {
        let every = address == nil
        let recipient = address.map { "\n\($0.key)\n" } ?? ""
        return try await run { connection in
            try await connection.rows(
                """
                UPDATE outbox SET next_attempt_at = \(now), last_error = NULL, claimed_until = NULL
                WHERE sent_at IS NULL AND failed_at IS NULL AND starts_with(last_error, \(DeliveryRecord.heldMark))
                  AND (\(every) OR strpos(E'\\n' || lower(recipients) || E'\\n', \(recipient)) > 0)
                RETURNING *
                """
            ).map(Self.outgoing).sorted { ($0.rowID ?? 0) < ($1.rowID ?? 0) }
        }
    }
}
