import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Where each mailbox was read up to: single statements of their own, outside any transaction.
extension PostgresTicketStore {
    public func cursor(of mailbox: String) async throws -> MailboxCursor? {
        try await connection { connection in
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(MailboxCursorRow.selection) FROM mailbox_cursors WHERE mailbox = $1", binds: PostgresTransaction.binds(mailbox))
            ).first.map { try PostgresRowDecoder.decode(MailboxCursorRow.self, from: $0).cursor() }
        }
    }

    public func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws {
        try await connection { connection in
            try await connection.execute(
                """
                INSERT INTO mailbox_cursors (mailbox, uid_validity, last_uid) VALUES (\(mailbox), \(Int64(cursor.uidValidity)), \(Int64(cursor.lastUID)))
                ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid
                """)
        }
    }

    public func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int {
        try await connection { connection in
            try await connection.rows(
                """
                INSERT INTO fetch_attempts (mailbox, uid_validity, uid, attempts, last_error)
                VALUES (\(mailbox), \(Int64(uidValidity)), \(Int64(uid)), 1, \(error))
                ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = fetch_attempts.attempts + 1, last_error = excluded.last_error
                RETURNING attempts
                """)[0].get("attempts")
        }
    }
}
