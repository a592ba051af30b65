import Foundation

/// What one `directory sync` did.
public struct DirectorySyncReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// The snapshot was stored with its changes.
        case stored
        /// Refused as suspicious: it would remove `removed` of the `total` memberships `of` the teams or of one
        /// configured group (more than the share allowed); the last snapshot stays until `--force`.
        case massRemovalRefused(removed: Int, total: Int, of: String)
    }

    public var outcome: Outcome
    public var changes: [DirectoryChange]
    public var people: Int
    public var teams: Int
    /// The open staged rollouts whose managers were told that an assigned team is gone.
    public var noticesQueued: Int

    public init(outcome: Outcome, changes: [DirectoryChange], people: Int, teams: Int, noticesQueued: Int = 0) {
        self.outcome = outcome
        self.changes = changes
        self.people = people
        self.teams = teams
        self.noticesQueued = noticesQueued
    }
}
