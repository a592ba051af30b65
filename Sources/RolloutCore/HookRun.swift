import Foundation

/// A configured external command the shell must run (SPEC §4 step 1 and the move to production).
public struct HookRun: Sendable, Equatable {
    public enum Hook: String, Sendable, Codable, CaseIterable {
        /// Move the packages from the InVerification repository to StageRollOut.
        case stageRollOut = "stage-rollout"
        /// Move the packages to production after an accepted rollout.
        case production
    }

    public var hook: Hook
    public var release: ReleaseTicket

    public init(hook: Hook, release: ReleaseTicket) {
        self.hook = hook
        self.release = release
    }
}
