import Foundation

/// A release ticket together with its staged-rollout child, when it has one: the state the rules engine decides on.
public struct RolloutCase: Sendable, Equatable {
    public var release: ReleaseTicket
    public var rollout: StagedRolloutTicket?

    public init(release: ReleaseTicket, rollout: StagedRolloutTicket? = nil) {
        self.release = release
        self.rollout = rollout
    }
}
