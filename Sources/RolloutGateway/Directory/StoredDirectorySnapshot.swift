import Foundation

/// The snapshot in force and when it was taken.
public struct StoredDirectorySnapshot: Sendable, Equatable {
    public var snapshot: DirectorySnapshot
    public var takenAt: Date

    public init(snapshot: DirectorySnapshot, takenAt: Date) {
        self.snapshot = snapshot
        self.takenAt = takenAt
    }
}
