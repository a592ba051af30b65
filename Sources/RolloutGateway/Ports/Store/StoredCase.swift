import Foundation
import RolloutCore

/// A rollout case as loaded, with the versions the commit checks (optimistic concurrency).
public struct StoredCase: Sendable, Equatable {
    public var rolloutCase: RolloutCase
    public var releaseVersion: Int
    public var rolloutVersion: Int?
    /// The queue of the ticket that was asked for.
    public var queue: Queue

    public init(rolloutCase: RolloutCase, releaseVersion: Int, rolloutVersion: Int?, queue: Queue) {
        self.rolloutCase = rolloutCase
        self.releaseVersion = releaseVersion
        self.rolloutVersion = rolloutVersion
        self.queue = queue
    }
}
