import Foundation
import GRDB
import RolloutCore
import RolloutGateway

extension SQLiteTicketStore {
    /// The stored form of a written message's fingerprint (``OutgoingMessage/textFingerprint(of:)``).
    static func fingerprintValue(of bytes: [UInt8]) -> Data? {
        guard !bytes.isEmpty else { return nil }
        return StageTimes.measure("fingerprint") { Data(OutgoingMessage.textFingerprint(of: bytes).bytes) }
    }

    /// The stored form of an outbox message's fingerprint: the one it carries (``OutgoingMessage/textFingerprint``),
    /// or computed from its bytes.
    static func fingerprintValue(of message: OutgoingMessage) -> Data? {
        guard !message.data.isEmpty else { return nil }
        return StageTimes.measure("fingerprint") { Data(message.textFingerprint.bytes) }
    }

    /// ``OutboxKind/relaysOthersWords`` as an SQL list.
    static let othersWordsKinds = OutboxKind.relaysOthersWords.map { "'\($0.rawValue)'" }.joined(separator: ", ")
}

extension SQLiteScope {
    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int)
        async throws -> [OwnTextFingerprint]
    {
        let ids = Array(Set(messageIDs.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) })).prefix(50)
        return try await read { db in
            var found: [Int64: OwnTextFingerprint] = [:]
            for id in ids {
                if let row = try SentTextRow.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT \(SentTextRow.selection) FROM outbox
                            WHERE message_id = ? AND text_fingerprint IS NOT NULL AND kind NOT IN (\(SQLiteTicketStore.othersWordsKinds))
                            """),
                    arguments: [id])
                {
                    found[row.id] = try row.fingerprint()
                }
            }
            if let ticket, let recipient, limit > 0 {
                let rows = try SentTextRow.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(SentTextRow.selection) FROM outbox
                            WHERE ticket_id = ? AND text_fingerprint IS NOT NULL
                              AND kind NOT IN (\((OutboxKind.answers + OutboxKind.relaysOthersWords).map { "'\($0.rawValue)'" }.joined(separator: ", ")))
                              AND instr(char(10) || lower(recipients) || char(10), ?) > 0
                            ORDER BY id DESC LIMIT ?
                            """),
                    arguments: [ticket.rawValue, "\n\(recipient.key)\n", limit])
                for row in rows { found[row.id] = try row.fingerprint() }
            }
            return found.keys.sorted().map { found[$0]! }
        }
    }
}
