import Foundation

/// Status of a staged-rollout ticket.
public enum RolloutStatus: String, Sendable, Codable, CaseIterable {
    case new, open, resolved
}
