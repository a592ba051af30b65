import Foundation
import GRDB
import RolloutGateway

/// `outbox` as a GRDB record, its columns named once (``Columns``) and read by position: every read selects
/// ``databaseSelection`` (or ``selection`` in hand SQL), the ``OutboxRow/CodingKeys`` in order, and ``init(row:)`` takes
/// each value at its index — no by-name look-up per row. The queue is read through the query interface. The insert
/// stays hand SQL (`ON CONFLICT (message_id) DO NOTHING`, whose outcome decides a conflict on a thread root), as do the
/// held rows' reads and updates, which share one condition on `last_error` (``SQLiteTicketStore/heldCondition``).
extension OutboxRow: FetchableRecord, TableRecord, ColumnsInCodingOrder {
    public typealias ColumnKey = CodingKeys

    public static let databaseTableName = OutboxRow.table

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        public static let sentAt = Column("sent_at")
        public static let failedAt = Column("failed_at")
    }

    public init(row: Row) throws {
        self.init(
            id: try row.decode(atIndex: 0), messageID: try row.decode(atIndex: 1), ticketID: try row.decode(atIndex: 2),
            kind: try row.decode(atIndex: 3), sender: try row.decode(atIndex: 4), recipients: try row.decode(atIndex: 5),
            data: try row.decode(atIndex: 6), createdAt: try row.decode(atIndex: 7), attempts: try row.decode(atIndex: 8),
            nextAttemptAt: try row.decode(atIndex: 9))
    }

    /// Messages neither sent nor given up, due at `now`, oldest first.
    static func due(at now: Date, limit: Int) -> QueryInterfaceRequest<OutboxRow> {
        OutboxRow.filter(Columns.sentAt == nil && Columns.failedAt == nil && Columns.nextAttemptAt <= now).order(Columns.id).limit(limit)
    }
}
