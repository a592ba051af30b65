import GRDB
import RolloutGateway

/// `attachments` as a GRDB record, read by column name (``AttachmentRow/CodingKeys``): it is not read on the ingest path.
extension AttachmentRow: FetchableRecord, TableRecord {
    public static let databaseTableName = AttachmentRow.table
}

/// `attachments` read without its data, as a GRDB record.
extension AttachmentSummaryRow: FetchableRecord {}
