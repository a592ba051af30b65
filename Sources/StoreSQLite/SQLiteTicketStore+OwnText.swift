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

    /// The kinds never read as a ticket's latest own words (``OutboxKind/answers`` and ``OutboxKind/relaysOthersWords``)
    /// left out as written in SQLite's partial index `outbox_own_words` (migration v15), which the look-up
    /// names word for word so that SQLite uses it: a reply then walks the ticket's notifications only, not every answer
    /// and relay of the ticket, whose number grows with the replies (that walk made the answered line's ingest 4.7
    /// times slower for 4 times the mail). One comparison per kind, not `NOT IN (…)`: SQLite builds a temporary table
    /// for a list of three or more each time it tests a row against it, here at every outbox insert. A kind added to
    /// either list needs a new index (`PartialIndexKindsTests`).
    static let notOwnWordsCondition = "kind <> 'transcript' AND kind <> 'error-reply' AND kind <> 'conversation'"

    /// A ticket's pending timers (argument: the ticket). `+state` keeps SQLite from reading the due index
    /// (`timers_due`, which it otherwise prefers, having no statistics): that walked every pending timer of the store
    /// for each relayed message (a twelfth of an ingest); the primary key's `ticket_id` reads this ticket's few.
    static let pendingTimersOfTicketSQL = "SELECT * FROM timers WHERE +state = 'pending' AND ticket_id = ? ORDER BY due_at, kind, team"

    /// The latest `limit` own-word messages of a ticket to one recipient (arguments: ticket, "\n" + key + "\n", limit).
    static let latestOwnWordsSQL = """
        SELECT \(SentTextRow.selection) FROM outbox
        WHERE ticket_id = ? AND text_fingerprint IS NOT NULL AND \(notOwnWordsCondition)
          AND instr(char(10) || lower(recipients) || char(10), ?) > 0
        ORDER BY id DESC LIMIT ?
        """

    /// Migration v14: the index of the look-up as it named its kinds then (`NOT IN`), its kinds written out as shipped (a
    /// migration never changes; v15 replaces this index).
    static func migrateOwnWordsIndex(_ db: Database) throws {
        try db.execute(
            sql: "CREATE INDEX outbox_own_words ON outbox(ticket_id, id) WHERE text_fingerprint IS NOT NULL AND kind NOT IN ('transcript', 'error-reply', 'conversation')")
    }
}

extension SQLiteScope {
    public func sentTextFingerprints(messageIDs: [String], ticket: TicketID?, recipient: EmailAddress?, limit: Int)
        async throws -> [OwnTextFingerprint]
    {
        let request = SentTextRequest(messageIDs: messageIDs, limit: limit)
        return try await read { db in try SQLiteTicketStore.sentText(request, ticket: ticket, recipient: recipient, db) }
    }
}

extension SQLiteTicketStore {
    /// The fingerprints of ``SentTextRequest``, oldest first.
    static func sentText(_ request: SentTextRequest, ticket: TicketID?, recipient: EmailAddress?, _ db: Database) throws
        -> [OwnTextFingerprint]
    {
        var found: [Int64: OwnTextFingerprint] = [:]
        for id in SentTextRequest.storedMessageIDs(request.messageIDs) {
            if let row = try SentTextRow.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT \(SentTextRow.selection) FROM outbox
                        WHERE message_id = ? AND text_fingerprint IS NOT NULL AND kind NOT IN (\(othersWordsKinds))
                        """),
                arguments: [id])
            {
                found[row.id] = try row.fingerprint()
            }
        }
        if let ticket, let recipient, request.limit > 0 {
            let rows = try SentTextRow.fetchAll(
                db.cachedStatement(sql: latestOwnWordsSQL), arguments: [ticket.rawValue, "\n\(recipient.key)\n", request.limit])
            for row in rows { found[row.id] = try row.fingerprint() }
        }
        return found.keys.sorted().map { found[$0]! }
    }
}
