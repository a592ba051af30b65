import GRDB
import RolloutGateway

/// `history` as a GRDB record, its columns named once (``Columns``) and read by position: a read selects
/// ``selection`` (the ``HistoryRow/CodingKeys`` in order) and ``init(row:)`` takes each value at its index, so no row
/// looks its columns up by name (GRDB's case-insensitive look-up was 11 % of a busy ingest, BENCHMARKS.md). Its reads
/// and its insert stay hand SQL in GRDB's statement cache, and the insert binds the commit's one date text
/// (``SQLiteTicketStore/storedDate(_:)``) instead of encoding each row.
extension HistoryRow: FetchableRecord, TableRecord, ColumnsInCodingOrder {
    public typealias ColumnKey = CodingKeys

    public static let databaseTableName = HistoryRow.table

    public enum Columns {
        public static let ticketID = Column(CodingKeys.ticketID)
        public static let at = Column(CodingKeys.at)
        public static let action = Column(CodingKeys.action)
    }

    public init(row: Row) throws {
        self.init(
            ticketID: try row.decode(atIndex: 0), at: try row.decode(atIndex: 1), causeKind: try row.decode(atIndex: 2),
            cause: try row.decode(atIndex: 3), actor: try row.decode(atIndex: 4), authentication: try row.decode(atIndex: 5),
            authenticationBasis: try row.decode(atIndex: 6), action: try row.decode(atIndex: 7), detail: try row.decode(atIndex: 8),
            writtenAt: try row.decode(atIndex: 9))
    }
}
