import Foundation

/// The `directory:` section, validated: where people and groups come from (issue 22).
public struct DirectorySettings: Sendable, Equatable {
    /// How a team's members are named.
    public enum MemberNaming: String, Sendable, CaseIterable {
        /// The group's `member` values are the people's DNs (groupOfNames; EGI Check-in).
        case member
        /// The group's `memberUid` values are the people's `uid` (posixGroup).
        case memberUid
        /// Each person's `isMemberOf` values name their groups (DNs or plain names).
        case isMemberOf
    }

    /// `ldaps://host[:port]`, or `ldap://host[:port]` (StartTLS; plain only on loopback).
    public var url: String
    public var bindDN: String?
    /// The bind password, read when the directory is asked (never in the configuration itself).
    public var passwordFile: String?
    /// A CA bundle for the directory's certificate (else the system's).
    public var caFile: String?
    public var baseDN: String
    /// Where groups live (`groups_base_dn`; nil: `ou=groups,<base_dn>`). A group elsewhere is not the configured one.
    public var groupsBaseDN: String?
    public var peopleFilter: String
    public var teamFilter: String
    public var memberNaming: MemberNaming
    public var mailAttributes: [String]
    public var releaseManagersGroup: String?
    /// Stack (as configured) → the common name of its managers' group.
    public var managersGroups: [String: String]
    public var refreshMinutes: Int
    /// The directory alone decides (teams, managers and release managers it names); else merged with the file.
    public var exclusive: Bool
    /// A sync removing more than this share of all team memberships is refused until `--force`.
    public var maxRemovedShare: Double

    public static let defaultTeamFilter = "(&(objectClass=groupOfNames)(cn=ea-*))"
    public static let defaultPeopleFilter = "(objectClass=inetOrgPerson)"

    public init(
        url: String, bindDN: String? = nil, passwordFile: String? = nil, caFile: String? = nil, baseDN: String, groupsBaseDN: String? = nil,
        peopleFilter: String = defaultPeopleFilter, teamFilter: String = defaultTeamFilter, memberNaming: MemberNaming = .member,
        mailAttributes: [String] = ["mail"], releaseManagersGroup: String? = nil, managersGroups: [String: String] = [:],
        refreshMinutes: Int = 60, exclusive: Bool = false, maxRemovedShare: Double = 0.5
    ) {
        self.url = url
        self.bindDN = bindDN
        self.passwordFile = passwordFile
        self.caFile = caFile
        self.baseDN = baseDN
        self.groupsBaseDN = groupsBaseDN
        self.peopleFilter = peopleFilter
        self.teamFilter = teamFilter
        self.memberNaming = memberNaming
        self.mailAttributes = mailAttributes
        self.releaseManagersGroup = releaseManagersGroup
        self.managersGroups = managersGroups
        self.refreshMinutes = refreshMinutes
        self.exclusive = exclusive
        self.maxRemovedShare = maxRemovedShare
    }

    /// The groups' base DN in force.
    public var groupsBase: String { groupsBaseDN ?? "ou=groups," + baseDN }

    /// Every non-team group the configuration names.
    public var namedGroups: [String] {
        Array(Set(Array(managersGroups.values) + (releaseManagersGroup.map { [$0] } ?? []))).sorted()
    }

    /// Whether the URL's host is the loopback (where a plain connection is allowed: nothing leaves the machine).
    public var isLoopback: Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}
