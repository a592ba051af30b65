import Foundation

/// Where people and groups come from (issue 22: the SSO directory). Adapter: `DirectoryLDAP`.
public protocol DirectorySource: Sendable {
    /// Reads the whole directory as configured. Throws ``DirectoryError``: the caller keeps the last snapshot.
    func fetch() async throws -> DirectorySnapshot
}
