import Foundation

/// Status of a release ticket (queue `sw-rel`).
public enum ReleaseStatus: String, Sendable, Codable, CaseIterable {
    case inVerification = "InVerification"
    case stageRollOut = "StageRollOut"
    /// Released to production after an accepted rollout.
    case production = "Production"
    /// The rollout rejected the release.
    case rejected = "Rejected"
}
