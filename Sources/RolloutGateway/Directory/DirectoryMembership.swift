import Foundation

/// One person in one team.
public struct DirectoryMembership: Sendable, Hashable, Comparable {
    public var team: String
    public var person: String

    public static func < (lhs: DirectoryMembership, rhs: DirectoryMembership) -> Bool {
        (lhs.team, lhs.person) < (rhs.team, rhs.person)
    }
}
