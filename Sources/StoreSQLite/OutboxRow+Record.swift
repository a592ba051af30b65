import Foundation
import GRDB
import RolloutGateway

/// `outbox` as a GRDB record, its columns named once (``Columns``): the queue read through the query interface. The
/// insert stays hand SQL (`ON CONFLICT (message_id) DO NOTHING`, whose outcome decides a conflict on a thread root),
/// as do the held rows' reads and updates, which share one condition on `last_error` (``SQLiteTicketStore/heldCondition``).
extension OutboxRow: FetchableRecord, TableRecord {
    public static let databaseTableName = OutboxRow.table

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        public static let sentAt = Column("sent_at")
        public static let failedAt = Column("failed_at")
    }

    /// Messages neither sent nor given up, due at `now`, oldest first.
    static func due(at now: Date, limit: Int) -> QueryInterfaceRequest<OutboxRow> {
        OutboxRow.filter(Columns.sentAt == nil && Columns.failedAt == nil && Columns.nextAttemptAt <= now).order(Columns.id).limit(limit)
    }
}
