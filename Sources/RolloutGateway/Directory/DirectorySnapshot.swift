import Foundation
import RolloutCore

/// What the directory said at one time: the people, the EA teams (`ea-…` groups) and the other groups the
/// configuration names (managers per stack, the release managers), each group by its members' person ids.
public struct DirectorySnapshot: Sendable, Equatable, Codable {
    /// Keyed by ``DirectoryPerson/id``.
    public var people: [String: DirectoryPerson]
    /// EA team name as the directory writes it (`ea-NGI_IT-INFN-T1`) → person ids.
    public var teams: [String: [String]]
    /// Other groups by common name (`staged-rollout`, `sw-rel-sr`) → person ids.
    public var groups: [String: [String]]

    public init(people: [DirectoryPerson], teams: [String: [String]], groups: [String: [String]]) {
        self.people = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.teams = teams.mapValues { Array(Set($0)).sorted() }
        self.groups = groups.mapValues { Array(Set($0)).sorted() }
    }

    /// The primary addresses of a group's members (people without an address are left out), in id order.
    public func primaryAddresses(of ids: [String]) -> [EmailAddress] {
        ids.compactMap { people[$0]?.primary }
    }

    /// Every team membership, as (team, person id) pairs.
    public var memberships: Set<DirectoryMembership> {
        Set(teams.flatMap { team, ids in ids.map { DirectoryMembership(team: team, person: $0) } })
    }
}
