import Foundation

extension ConfigurationFile {
    /// The `directory:` section as written.
    struct Directory: Decodable {
        var url: String
        var bindDN: String?
        var passwordFile: String?
        var caFile: String?
        var baseDN: String
        var groupsBaseDN: String?
        var peopleFilter: String?
        var teamFilter: String?
        var memberNaming: String?
        var mailAttributes: [String]?
        var releaseManagersGroup: String?
        var refreshMinutes: Int?
        var exclusive: Bool?
        var maxRemovedShare: Double?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case url, bindDN = "bind_dn", passwordFile = "password_file", caFile = "ca_file", baseDN = "base_dn", groupsBaseDN = "groups_base_dn"
            case peopleFilter = "people_filter", teamFilter = "team_filter", memberNaming = "member_naming"
            case mailAttributes = "mail_attributes", releaseManagersGroup = "release_managers_group"
            case refreshMinutes = "refresh_minutes", exclusive, maxRemovedShare = "max_removed_share"
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            url = try c.decode(String.self, forKey: .url)
            bindDN = try c.decodeIfPresent(String.self, forKey: .bindDN)
            passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
            caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
            baseDN = try c.decode(String.self, forKey: .baseDN)
            groupsBaseDN = try c.decodeIfPresent(String.self, forKey: .groupsBaseDN)
            peopleFilter = try c.decodeIfPresent(String.self, forKey: .peopleFilter)
            teamFilter = try c.decodeIfPresent(String.self, forKey: .teamFilter)
            memberNaming = try c.decodeIfPresent(String.self, forKey: .memberNaming)
            mailAttributes = try c.decodeIfPresent([String].self, forKey: .mailAttributes)
            releaseManagersGroup = try c.decodeIfPresent(String.self, forKey: .releaseManagersGroup)
            refreshMinutes = try c.decodeIfPresent(Int.self, forKey: .refreshMinutes)
            exclusive = try c.decodeIfPresent(Bool.self, forKey: .exclusive)
            maxRemovedShare = try c.decodeIfPresent(Double.self, forKey: .maxRemovedShare)
        }
    }
}

extension DirectorySettings {
    /// Validates the section; `managersGroups` come from `stacks.<name>.managers_group`; `resolve` anchors paths.
    init(_ raw: ConfigurationFile.Directory, managersGroups: [String: String], resolve: (String) -> String) throws {
        let key = ["directory"]
        guard let components = URLComponents(string: raw.url), let scheme = components.scheme?.lowercased(),
            scheme == "ldap" || scheme == "ldaps", components.host?.isEmpty == false
        else {
            throw ConfigurationProblem(key + ["url"], "'\(raw.url)' is not a directory URL; expected ldaps://host[:port] or ldap://host[:port] (StartTLS)")
        }
        let naming: MemberNaming
        if let written = raw.memberNaming {
            guard let found = MemberNaming(rawValue: written) else {
                throw ConfigurationProblem(
                    key + ["member_naming"], "'\(written)' is not a way of naming members; expected one of \(MemberNaming.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            naming = found
        } else {
            naming = .member
        }
        for (name, filter) in [("team_filter", raw.teamFilter), ("people_filter", raw.peopleFilter)] {
            if let filter, !(filter.hasPrefix("(") && filter.hasSuffix(")")) {
                throw ConfigurationProblem(key + [name], "'\(filter)' is not an LDAP filter; expected one in parentheses, e.g. \(Self.defaultTeamFilter)")
            }
        }
        let mail = raw.mailAttributes ?? ["mail"]
        guard !mail.isEmpty else { throw ConfigurationProblem(key + ["mail_attributes"], "is empty; expected at least [mail]") }
        let refresh = raw.refreshMinutes ?? 60
        guard refresh > 0 else { throw ConfigurationProblem(key + ["refresh_minutes"], "must be a positive number of minutes") }
        let share = raw.maxRemovedShare ?? 0.5
        guard share > 0, share <= 1 else {
            throw ConfigurationProblem(key + ["max_removed_share"], "must be a share above 0 and at most 1 (0.5 is half of all members)")
        }
        guard (raw.bindDN == nil) == (raw.passwordFile == nil) else {
            throw ConfigurationProblem(
                key + [raw.bindDN == nil ? "bind_dn" : "password_file"], "bind_dn and password_file go together (or neither, for an anonymous bind)")
        }
        self.init(
            url: raw.url, bindDN: raw.bindDN, passwordFile: raw.passwordFile.map(resolve), caFile: raw.caFile.map(resolve),
            baseDN: raw.baseDN, groupsBaseDN: raw.groupsBaseDN, peopleFilter: raw.peopleFilter ?? Self.defaultPeopleFilter, teamFilter: raw.teamFilter ?? Self.defaultTeamFilter,
            memberNaming: naming, mailAttributes: mail, releaseManagersGroup: raw.releaseManagersGroup, managersGroups: managersGroups,
            refreshMinutes: refresh, exclusive: raw.exclusive ?? false, maxRemovedShare: share)
    }
}
