import Foundation
import RolloutCore
import RolloutGateway

/// The SSO directory over LDAP (EGI Check-in: people in `ou=people` with `voPersonID` and `mail`, groups as
/// `groupOfNames` with `member` DNs): one connection per fetch, searches bounded in size and time.
public struct LDAPDirectory: DirectorySource {
    public let settings: DirectorySettings
    public let timeoutSeconds: Int
    public let sizeLimit: Int32

    public init(settings: DirectorySettings, timeoutSeconds: Int = 30, sizeLimit: Int32 = 50_000) {
        self.settings = settings
        self.timeoutSeconds = timeoutSeconds
        self.sizeLimit = sizeLimit
    }

    public func fetch() async throws -> DirectorySnapshot {
        let connection = try LDAPConnection(settings, timeoutSeconds: timeoutSeconds, sizeLimit: sizeLimit)
        defer { connection.close() }
        try connection.bind()
        let naming = settings.memberNaming
        let personAttributes = ["voPersonID", "uid"] + settings.mailAttributes + (naming == .isMemberOf ? ["isMemberOf"] : [])
        let entries = try connection.search(settings.peopleFilter, attributes: personAttributes, key: "people_filter")
        let people = entries.map(person)
        var teams: [String: [String]] = [:]
        var groups: [String: [String]] = [:]
        let named = Set(settings.namedGroups)
        switch naming {
        case .isMemberOf:
            for (entry, person) in zip(entries, people) {
                for name in entry.values("isMemberOf").compactMap({ Self.groupName($0, under: settings.groupsBase) }) {
                    if name.lowercased().hasPrefix("ea-") { teams[name, default: []].append(person.id) }
                    if named.contains(name) { groups[name, default: []].append(person.id) }
                }
            }
        case .member, .memberUid:
            // A member is named by the person's DN (`member`) or `uid` (`memberUid`).
            var index: [String: String] = [:]
            for (entry, person) in zip(entries, people) {
                if naming == .member {
                    index[Self.normalized(entry.dn)] = person.id
                } else if let uid = entry.first("uid") {
                    index[uid] = person.id
                }
            }
            let attribute = naming.rawValue
            func members(_ entry: LDAPEntry) -> [String] {
                entry.values(attribute).compactMap { index[naming == .member ? Self.normalized($0) : $0] }
            }
            for entry in try connection.search(settings.teamFilter, attributes: ["cn", attribute], key: "team_filter") {
                guard let name = entry.first("cn"), Self.isUnder(entry.dn, settings.groupsBase) else { continue }
                teams[name, default: []] += members(entry)
            }
            if !named.isEmpty {
                let filter = "(|" + named.sorted().map { "(cn=\(Self.escaped($0)))" }.joined() + ")"
                for entry in try connection.search(filter, attributes: ["cn", attribute], key: "release_managers_group")
                where named.contains(entry.first("cn") ?? "") && Self.isUnder(entry.dn, settings.groupsBase) {
                    groups[entry.first("cn")!, default: []] += members(entry)
                }
            }
        }
        return DirectorySnapshot(people: people, teams: teams, groups: groups)
    }

    /// A person: `voPersonID`, else `uid`, else the DN; every address of the mail attributes, in their order.
    private func person(_ entry: LDAPEntry) -> DirectoryPerson {
        var seen = Set<EmailAddress>()
        let addresses = settings.mailAttributes.flatMap(entry.values).map(EmailAddress.init)
            .filter { $0.value.contains("@") && seen.insert($0).inserted }
        return DirectoryPerson(id: entry.first("voPersonID") ?? entry.first("uid") ?? Self.normalized(entry.dn), addresses: addresses)
    }

    /// A DN compared as the directory would (case and the spaces after commas aside).
    static func normalized(_ dn: String) -> String {
        dn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.joined(separator: ",")
    }

    /// The group an `isMemberOf` value names: a plain name as it is; a DN's first RDN value only when the whole DN
    /// lies under `base` (the groups' base DN), else nil: a group of the same name elsewhere (another CO or VO) is
    /// someone else's group.
    public static func groupName(_ value: String, under base: String) -> String? {
        guard value.contains("=") else { return value }
        guard isUnder(value, base), let first = value.split(separator: ",").first, let equals = first.firstIndex(of: "=") else {
            return nil
        }
        return String(first[first.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
    }

    /// Whether `dn` is an entry strictly below `base` (compared as ``normalized(_:)`` does).
    public static func isUnder(_ dn: String, _ base: String) -> Bool {
        let dn = normalized(dn).split(separator: ","), base = normalized(base).split(separator: ",")
        return dn.count > base.count && dn.suffix(base.count).elementsEqual(base)
    }

    /// A value escaped for a filter (RFC 4515).
    static func escaped(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "*": out += "\\2a"
            case "(": out += "\\28"
            case ")": out += "\\29"
            case "\\": out += "\\5c"
            case "\0": out += "\\00"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
