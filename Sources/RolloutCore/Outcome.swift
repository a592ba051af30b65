import Foundation

/// The staged rollout's decision on a release.
public enum Outcome: String, Sendable, Codable, Equatable {
    case accept = "ACCEPT"
    case reject = "REJECT"
}
