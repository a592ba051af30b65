import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Fingerprints of sent text (issue 12), as the SQLite store keeps them.
extension PostgresTransaction {
    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int)
        async throws -> [OwnTextFingerprint]
    {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(SentTextRequest.storedMessageIDs(messageIDs))
        bindings.append(ticket?.rawValue)
        bindings.append(recipient?.key)
        bindings.append(limit)
        let records = try await read { connection in try await connection.rows(HotSQL.SentText.self, bindings) }
        return try Self.sentText(in: records[0], column: "array_agg")
    }

    /// The fingerprints of one array column of ``HotSQL/SentText`` or ``HotSQL/Lookup`` (none when NULL).
    static func sentText(in record: PostgresRecord, column: String) throws -> [OwnTextFingerprint] {
        guard let stored = try record.get(column, as: [ByteBuffer]?.self) else { return [] }
        return try stored.map { try SentTextRow.fingerprint(stored: Data($0.readableBytesView)) }
    }
}
