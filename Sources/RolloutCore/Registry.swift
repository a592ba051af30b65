import Foundation

/// An e-mail address compared without regard to case.
public struct EmailAddress: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let value: String
    /// The lower-cased form used for comparison, computed once (addresses are compared often).
    public let key: String

    public init(_ value: String) {
        self.value = value.trimmingWhitespace()
        self.key = self.value.lowercased()
    }

    public var description: String { value }
    /// The text after the last `@`, lower-cased (an address ending in `@` names the text before it; none: the whole).
    public var domain: String {
        // An ASCII address's key is the address with its letters lowered, byte for byte, so its domain is found by
        // byte in the key (splitting by characters and lower-casing again was a fourteenth of a `tick`'s firing).
        guard value.isASCII else {
            return value.split(separator: "@").last.map { String($0).lowercased() } ?? ""
        }
        let bytes = key.utf8
        let at = UInt8(ascii: "@")
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == at { end = bytes.index(before: end) }
        var start = end
        while start > bytes.startIndex, bytes[bytes.index(before: start)] != at { start = bytes.index(before: start) }
        return String(key[start..<end])
    }

    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.key < rhs.key }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// A registered Early Adopter team: its members and the stacks it adopts.
public struct EATeam: Sendable, Equatable {
    public var name: TeamName
    public var members: [EmailAddress]
    /// The stack families the team adopts (it may volunteer for their rollouts).
    public var stacks: [String]
    /// What no `stacks` at all means: every stack for a team of the configuration file; none for a team only the
    /// directory knows, whose group anyone able to make groups there could have made (until the file names it).
    public var adoptsEveryStackWhenNoneListed: Bool

    public init(name: TeamName, members: [EmailAddress], stacks: [String], adoptsEveryStackWhenNoneListed: Bool = true) {
        self.name = name
        self.members = members
        self.stacks = stacks
        self.adoptsEveryStackWhenNoneListed = adoptsEveryStackWhenNoneListed
    }

    /// Whether the team adopts the stack family `family` (`EMI` for `EMI-1.0`).
    public func adopts(_ family: String) -> Bool {
        stacks.isEmpty ? adoptsEveryStackWhenNoneListed : stacks.contains { $0.caseInsensitiveCompare(family) == .orderedSame }
    }
}

/// The people of one middleware stack: its staged-rollout managers and its EA mailing lists.
public struct StackPeople: Sendable, Equatable {
    public var managers: [EmailAddress]
    public var lists: [EmailAddress]

    public init(managers: [EmailAddress], lists: [EmailAddress]) {
        self.managers = managers
        self.lists = lists
    }
}

/// Who is who (SPEC §2): teams, managers per stack, release managers, EA lists.
public struct Registry: Sendable, Equatable {
    public private(set) var teams: [TeamName: EATeam]
    /// Keyed by lower-cased stack family (`emi`, `ca`).
    public private(set) var stacks: [String: StackPeople]
    public var releaseManagers: [EmailAddress]
    /// A person's other addresses → the one the lists above name (issue 22: one person, several addresses; from
    /// the directory). Every check reads an address as its person's.
    public private(set) var alternates: [EmailAddress: EmailAddress]
    /// The teams of each member (unsorted, a team once per listing): asked for every message (who wrote it), where
    /// reading every team's members grew with the registry.
    private let teamsByMember: [EmailAddress: [TeamName]]

    public init(
        teams: [EATeam], stacks: [String: StackPeople], releaseManagers: [EmailAddress], alternates: [EmailAddress: EmailAddress] = [:]
    ) {
        self.teams = Dictionary(teams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.stacks = Dictionary(stacks.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.releaseManagers = releaseManagers
        self.alternates = alternates
        // Built as cheaply as it can be (every process start builds it, an idle `tick` too): sorted and freed of a
        // team named twice (a member listed twice) where it is read.
        var teamsByMember: [EmailAddress: [TeamName]] = [:]
        teamsByMember.reserveCapacity(self.teams.count)
        for team in self.teams.values {
            for member in team.members { teamsByMember[member, default: []].append(team.name) }
        }
        self.teamsByMember = teamsByMember
    }

    /// The address the registry names this person by (the address itself for anyone with one address).
    public func primary(_ address: EmailAddress) -> EmailAddress { alternates[address] ?? address }

    /// Every address of the person writing from `address`, the named one first.
    public func addresses(of address: EmailAddress) -> [EmailAddress] {
        let primary = primary(address)
        return [primary] + alternates.filter { $0.value == primary && $0.key != primary }.keys.sorted()
    }

    /// The outcome of looking a team name up.
    public enum TeamLookup: Equatable, Sendable {
        case found(EATeam)
        /// Not registered; `closest` holds the nearest registered names, best first.
        case unknown(written: String, closest: [TeamName])
    }

    /// Resolves a team as written in mail (`NGI_IT-INFN-T1`, `ea-ngi_it-infn-t1`, …).
    public func team(named written: String) -> TeamLookup {
        if let name = TeamName(written), let team = teams[name] { return .found(team) }
        return .unknown(written: written, closest: closestTeams(to: written))
    }

    /// Up to three registered names nearest to `written`, for a hint.
    public func closestTeams(to written: String, limit: Int = 3) -> [TeamName] {
        var probe = written.lowercased()
        if probe.hasPrefix("ea-") { probe.removeFirst(3) }
        let ranked = teams.keys.map { ($0, EditDistance.between(probe, $0.key)) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        let threshold = max(3, probe.count / 2)
        return ranked.filter { $0.1 <= threshold }.prefix(limit).map(\.0)
    }

    public func people(ofStack stack: String) -> StackPeople {
        let family = ComponentRelease(stack: stack, component: nil, version: "").stackFamily.lowercased()
        return stacks[family] ?? stacks[stack.lowercased()] ?? StackPeople(managers: [], lists: [])
    }

    public func isManager(_ address: EmailAddress, ofStack stack: String) -> Bool {
        people(ofStack: stack).managers.contains(primary(address))
    }

    public func isReleaseManager(_ address: EmailAddress) -> Bool { releaseManagers.contains(primary(address)) }

    public func isMember(_ address: EmailAddress, of team: TeamName) -> Bool {
        teams[team]?.members.contains(primary(address)) ?? false
    }

    /// Whether the address is anyone the gateway knows: a team member, a manager, a release manager.
    public func knows(_ address: EmailAddress) -> Bool {
        let person = primary(address)
        return isReleaseManager(person) || teamsByMember[person] != nil
            || stacks.values.contains { $0.managers.contains(person) }
    }

    /// The teams the address belongs to.
    public func teams(of address: EmailAddress) -> [TeamName] {
        guard let names = teamsByMember[primary(address)] else { return [] }
        return names.count == 1 ? names : Set(names).sorted()
    }
}
