import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Fingerprints of sent text (issue 12), as the SQLite store keeps them.
extension PostgresTransaction {
    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int)
        async throws -> [OwnTextFingerprint]
    {
        let ids = Array(Set(messageIDs.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }).prefix(50))
        return try await run { connection in
            var found: [Int64: [UInt8]] = [:]
            if !ids.isEmpty {
                for row in try await connection.rows(
                    """
                    SELECT id, text_fingerprint FROM outbox
                    WHERE message_id = ANY(\(ids)) AND text_fingerprint IS NOT NULL
                      AND kind <> ALL(\(OutboxKind.relaysOthersWords.map(\.rawValue)))
                    """)
                {
                    found[try row.get("id")] = try row.bytes("text_fingerprint")
                }
            }
            if let ticket, let recipient, limit > 0 {
                for row in try await connection.rows(
                    """
                    SELECT id, text_fingerprint FROM outbox
                    WHERE ticket_id = \(ticket.rawValue) AND text_fingerprint IS NOT NULL AND kind <> ALL(\((OutboxKind.answers + OutboxKind.relaysOthersWords).map(\.rawValue)))
                      AND strpos(E'\\n' || lower(recipients) || E'\\n', \("\n\(recipient.key)\n")) > 0
                    ORDER BY id DESC LIMIT \(limit)
                    """)
                {
                    found[try row.get("id")] = try row.bytes("text_fingerprint")
                }
            }
            return found.keys.sorted().map { OwnTextFingerprint(bytes: found[$0]!) }
        }
    }
}
