import GRDB
import RolloutGateway

/// `directory_history` as a GRDB record, read by column name (``DirectoryChangeRow/CodingKeys``): it is not read on the ingest path.
extension DirectoryChangeRow: FetchableRecord, TableRecord {
    public static let databaseTableName = DirectoryChangeRow.table
}
