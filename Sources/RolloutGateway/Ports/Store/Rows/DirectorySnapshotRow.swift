import Foundation

/// The row of `directory_snapshot` as both SQL drivers keep it (``CodingKeys`` are the column names) and made into the
/// stored snapshot in one place (``storedSnapshot()``): text that is not a snapshot this version reads is an error.
public struct DirectorySnapshotRow: Codable, Sendable, Equatable {
    public static let table = "directory_snapshot"

    public var takenAt: Date
    public var snapshot: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case takenAt = "taken_at"
        case snapshot
    }

    /// The columns read, in the order of ``CodingKeys``.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The snapshot this row holds.
    public func storedSnapshot() throws -> StoredDirectorySnapshot {
        StoredDirectorySnapshot(snapshot: try DirectorySnapshot.decoded(snapshot), takenAt: takenAt)
    }
}
