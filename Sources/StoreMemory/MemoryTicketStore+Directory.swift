import Foundation
import RolloutGateway

/// The directory's snapshot and its changes, as the SQL drivers keep them.
extension MemoryTicketStore: DirectoryStore {
    public func directorySnapshot() async throws -> StoredDirectorySnapshot? { read { $0.directory } }

    public func saveDirectorySnapshot(_ snapshot: StoredDirectorySnapshot, changes: [DirectoryChange]) async throws {
        try await write { state in
            state.directory = snapshot
            state.directoryHistory += changes
        }
    }

    public func directoryHistory(limit: Int) async throws -> [DirectoryChange] { read { Array($0.directoryHistory.suffix(limit)) } }
}
