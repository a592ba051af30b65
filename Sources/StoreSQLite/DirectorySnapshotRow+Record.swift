import GRDB
import RolloutGateway

/// `directory_snapshot` as a GRDB record, read by column name (``DirectorySnapshotRow/CodingKeys``): it is not read on the ingest path.
extension DirectorySnapshotRow: FetchableRecord, TableRecord {
    public static let databaseTableName = DirectorySnapshotRow.table
}
