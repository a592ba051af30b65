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
        return try await read { connection in
            var found: [Int64: OwnTextFingerprint] = [:]
            if !ids.isEmpty {
                for row in try await connection.rows(
                    """
                    SELECT \(unescaped: SentTextRow.selection) FROM outbox
                    WHERE message_id = ANY(\(ids)) AND text_fingerprint IS NOT NULL
                      AND kind <> ALL(\(OutboxKind.relaysOthersWords.map(\.rawValue)))
                    """)
                {
                    let sent = try PostgresRowDecoder.decode(SentTextRow.self, from: row)
                    found[sent.id] = try sent.fingerprint()
                }
            }
            if let ticket, let recipient, limit > 0 {
                for row in try await connection.rows(
                    """
                    SELECT \(unescaped: SentTextRow.selection) FROM outbox
                    WHERE ticket_id = \(ticket.rawValue) AND text_fingerprint IS NOT NULL AND kind NOT IN (\(unescaped: PostgresSchema.notOwnWordsKinds))
                      AND strpos(E'\\n' || lower(recipients) || E'\\n', \("\n\(recipient.key)\n")) > 0
                    ORDER BY id DESC LIMIT \(limit)
                    """)
                {
                    let sent = try PostgresRowDecoder.decode(SentTextRow.self, from: row)
                    found[sent.id] = try sent.fingerprint()
                }
            }
            return found.keys.sorted().map { found[$0]! }
        }
    }
}
