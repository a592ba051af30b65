import GRDB
import RolloutGateway

/// `tickets` as a GRDB record, read by position (every message loads its ticket, and its parent or child):
/// ``TicketRow/selection`` is the column list, in the order ``init(row:)`` reads.
extension TicketRow: FetchableRecord, TableRecord {
    public static let databaseTableName = TicketRow.table

    public init(row: Row) throws {
        self.init(
            id: try row.value(CodingKeys.id), queue: try row.value(CodingKeys.queue), status: try row.value(CodingKeys.status),
            stack: try row.value(CodingKeys.stack), component: try row.value(CodingKeys.component),
            version: try row.value(CodingKeys.version), os: try row.value(CodingKeys.os), arch: try row.value(CodingKeys.arch),
            releaseNotes: try row.value(CodingKeys.releaseNotes), fixedBugs: try row.value(CodingKeys.fixedBugs),
            documentation: try row.value(CodingKeys.documentation), owner: try row.value(CodingKeys.owner),
            parentID: try row.value(CodingKeys.parentID), childID: try row.value(CodingKeys.childID),
            outcome: try row.value(CodingKeys.outcome), documentID: try row.value(CodingKeys.documentID),
            summary: try row.value(CodingKeys.summary), escalationDueAt: try row.value(CodingKeys.escalationDueAt),
            escalationsSent: try row.value(CodingKeys.escalationsSent), lastEscalationAt: try row.value(CodingKeys.lastEscalationAt),
            allReportsAnnounced: try row.value(CodingKeys.allReportsAnnounced), createdAt: try row.value(CodingKeys.createdAt),
            rowVersion: try row.value(CodingKeys.rowVersion))
    }

    /// The ticket numbered `id`.
    static func numbered(_ id: Int, _ db: Database) throws -> TicketRow? {
        try fetchOne(db.cachedStatement(sql: "SELECT \(selection) FROM tickets WHERE id = ?"), arguments: [id])
    }
}
