import Foundation

/// The directory's last snapshot and the history of its changes (issue 22). Every driver keeps them.
public protocol DirectoryStore: Sendable {
    /// The snapshot in force; nil before the first sync.
    func directorySnapshot() async throws -> StoredDirectorySnapshot?
    /// Replaces the snapshot and records its changes, in one transaction: all of it is kept, or none.
    func saveDirectorySnapshot(_ snapshot: StoredDirectorySnapshot, changes: [DirectoryChange]) async throws
    /// The recorded changes, oldest first, at most `limit` of the newest.
    func directoryHistory(limit: Int) async throws -> [DirectoryChange]
}

extension DirectorySnapshot {
    /// The stored form: JSON with sorted keys, so that equal snapshots are equal text.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public static func decoded(_ text: String) throws -> DirectorySnapshot {
        do {
            return try JSONDecoder().decode(DirectorySnapshot.self, from: Data(text.utf8))
        } catch {
            throw StoreError.unknownValue(table: "directory_snapshot", column: "snapshot", value: String(text.prefix(80)))
        }
    }
}
