import GRDB
import RolloutGateway

/// `history` as a GRDB record, its columns named once (``Columns``). Its reads and its insert stay hand SQL in GRDB's
/// statement cache: both run for every message (the relay window, the decision's entries), and the insert binds the
/// commit's one date text (``SQLiteTicketStore/storedDate(_:)``) instead of encoding each row.
extension HistoryRow: FetchableRecord, TableRecord {
    public static let databaseTableName = HistoryRow.table

    public enum Columns {
        public static let ticketID = Column(CodingKeys.ticketID)
        public static let at = Column(CodingKeys.at)
        public static let action = Column(CodingKeys.action)
    }
}
