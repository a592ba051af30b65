import GRDB
import RolloutGateway

/// `mailbox_cursors` as a GRDB record, read by column name (``MailboxCursorRow/CodingKeys``): it is not read on the ingest path.
extension MailboxCursorRow: FetchableRecord, TableRecord {
    public static let databaseTableName = MailboxCursorRow.table
}
