import GRDB
import RolloutGateway

/// `ticket_teams` as a GRDB record, its columns named once (``Columns``). Read by hand SQL in GRDB's statement cache
/// (every ticket load reads them); written by an `INSERT OR REPLACE` of the rows that changed.
extension TeamRow: FetchableRecord, TableRecord {
    public static let databaseTableName = TeamRow.table

    public enum Columns {
        public static let ticketID = Column("ticket_id")
        public static let team = Column(CodingKeys.team)
        public static let position = Column("position")
    }
}
