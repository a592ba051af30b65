import GRDB
import RolloutGateway

/// `set_aside` as a GRDB record, read by column name (``SetAsideRow/CodingKeys``): it is not read on the ingest path.
extension SetAsideRow: FetchableRecord, TableRecord {
    public static let databaseTableName = SetAsideRow.table
}
