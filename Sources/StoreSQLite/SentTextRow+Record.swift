import GRDB
import RolloutGateway

/// The fingerprints of sent text in `outbox`, read by position (every reply looks its quoted text up):
/// ``SentTextRow/selection`` is the column list, in the order ``init(row:)`` reads.
extension SentTextRow: FetchableRecord {
    public init(row: Row) throws {
        self.init(id: try row.value(CodingKeys.id), textFingerprint: try row.value(CodingKeys.textFingerprint))
    }
}
