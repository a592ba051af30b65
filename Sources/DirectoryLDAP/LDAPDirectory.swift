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
                guard let name = Self.groupName(entry.dn, under: settings.groupsBase) else { continue }
                teams[name, default: []] += members(entry)
            }
            if !named.isEmpty {
                let filter = "(|" + named.sorted().map { "(cn=\(Self.escaped($0)))" }.joined() + ")"
                for entry in try connection.search(filter, attributes: ["cn", attribute], key: "release_managers_group") {
                    guard let name = Self.groupName(entry.dn, under: settings.groupsBase), named.contains(name) else { continue }
                    groups[name, default: []] += members(entry)
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
        rdns(dn).map { $0.lowercased() }.joined(separator: ",")
    }

    /// The RDNs of `dn`, split at the commas that are not escaped (`\,` is part of a value), each trimmed.
    static func rdns(_ dn: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in dn {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The group an `isMemberOf` value or a group entry's DN names: a plain name as it is; for a DN, the value of its
    /// own RDN only when that is a single `cn=NAME` and the entry lies directly in `base` (the groups' base DN); nil
    /// otherwise. A group of the same name elsewhere (another CO or VO, a folder below the base, a multi-valued RDN
    /// `cn=NAME+description=x`) is someone else's: whoever may make entries there would otherwise join a configured
    /// team or managers' group by naming theirs alike.
    public static func groupName(_ value: String, under base: String) -> String? {
        guard value.contains("=") else { return value }
        let parts = rdns(value), baseParts = rdns(base).map { $0.lowercased() }
        guard parts.count == baseParts.count + 1, parts.dropFirst().map({ $0.lowercased() }) == baseParts else { return nil }
        let own = parts[0]
        guard own.lowercased().hasPrefix("cn="), !own.contains("+"), !own.contains("\\") else { return nil }
        let name = own.dropFirst(3).trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// Whether `dn` is an entry strictly below `base` (compared as ``normalized(_:)`` does).
    public static func isUnder(_ dn: String, _ base: String) -> Bool {
        let dn = rdns(dn).map { $0.lowercased() }, base = rdns(base).map { $0.lowercased() }
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
