import GRDB
import RolloutGateway

/// `messages_seen` as a GRDB record, read by position: ``SeenMessageRow/selection`` is the column list, in the order
/// ``init(row:)`` reads.
extension SeenMessageRow: FetchableRecord, TableRecord {
    public static let databaseTableName = SeenMessageRow.table

    public init(row: Row) throws {
        self.init(
            messageKey: try row.value(CodingKeys.messageKey), ticketID: try row.value(CodingKeys.ticketID),
            sender: try row.value(CodingKeys.sender), disposition: try row.value(CodingKeys.disposition))
    }
}
