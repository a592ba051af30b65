import GRDB
import RolloutGateway

/// `ticket_teams` as a GRDB record, its columns named once (``Columns``) and read by position: a read selects
/// ``selection`` (the ``TeamRow/CodingKeys`` in order) and ``init(row:)`` takes each value at its index. Decoding the
/// row through `Decodable` by column name cost 39 k instructions a team, a fiftieth of a `tick` (BENCHMARKS.md).
/// Read by hand SQL in GRDB's statement cache (every ticket load reads them); written by an `INSERT OR REPLACE` of the
/// rows that changed.
extension TeamRow: FetchableRecord, TableRecord, ColumnsInCodingOrder {
    public typealias ColumnKey = CodingKeys

    public static let databaseTableName = TeamRow.table

    public enum Columns {
        public static let ticketID = Column("ticket_id")
        public static let team = Column(CodingKeys.team)
        public static let position = Column("position")
    }

    public init(row: Row) throws {
        self.init(
            team: try row.value(CodingKeys.team), assignedAt: try row.value(CodingKeys.assignedAt),
            volunteered: try row.value(CodingKeys.volunteered), answerDeadline: try row.value(CodingKeys.answerDeadline),
            answer: try row.value(CodingKeys.answer), answeredAt: try row.value(CodingKeys.answeredAt),
            answeredBy: try row.value(CodingKeys.answeredBy), testingMinimumEnd: try row.value(CodingKeys.testingMinimumEnd),
            testingMaximumEnd: try row.value(CodingKeys.testingMaximumEnd), extendedDays: try row.value(CodingKeys.extendedDays),
            downtime: try row.value(CodingKeys.downtime), report: try row.value(CodingKeys.report),
            reportedAt: try row.value(CodingKeys.reportedAt), unassignedAt: try row.value(CodingKeys.unassignedAt))
    }
}
