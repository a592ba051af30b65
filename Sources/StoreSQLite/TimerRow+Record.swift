import GRDB
import RolloutCore
import RolloutGateway

/// `timers` as a GRDB record: read through the query interface, its columns named once (``Columns``). Written by hand
/// SQL: scheduling is an upsert (`ON CONFLICT … DO UPDATE`), settling an update of the state alone.
extension TimerRow: FetchableRecord, TableRecord {
    public static let databaseTableName = TimerRow.table

    public enum Columns {
        public static let ticketID = Column(CodingKeys.ticketID)
        public static let kind = Column(CodingKeys.kind)
        public static let team = Column(CodingKeys.team)
        public static let dueAt = Column(CodingKeys.dueAt)
        /// `pending`, `fired` or `cancelled`: only pending timers are read.
        public static let state = Column("state")
        public static let settledAt = Column("settled_at")
    }

    /// The timer of `key`, whatever its state.
    static func keyed(_ key: TimerKey) -> QueryInterfaceRequest<TimerRow> {
        TimerRow.filter(
            Columns.ticketID == key.ticket.rawValue && Columns.kind == key.kind.rawValue && Columns.team == (key.team?.description ?? ""))
    }

    /// Pending timers, in the order they fall due.
    static var pending: QueryInterfaceRequest<TimerRow> {
        TimerRow.filter(Columns.state == "pending")
    }
}
