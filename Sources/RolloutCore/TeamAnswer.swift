import Foundation

/// A team's answer to its assignment.
public enum TeamAnswer: String, Sendable, Codable, Equatable {
    case accepted, rejected
}
