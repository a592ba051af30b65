import Foundation
import RolloutCore

/// The `gocdb:` section, validated: where the registry's read API is, how the gateway authenticates to it, and which
/// services and sites count.
public struct GOCDBSettings: Sendable, Equatable {
    /// The public (or, with a client certificate, private) API up to the query, e.g. `https://goc.egi.eu/gocdbpi/public/`.
    public var url: String
    public var certificateFile: String?
    public var keyFile: String?
    public var caFile: String?
    /// How often an open rollout's accepted teams are checked.
    public var refreshMinutes: Int
    /// Only services of these types count, when given.
    public var serviceTypes: Set<String>?
    /// A team's site when it is not the team name's site part.
    public var sites: [TeamName: String]

    static func validated(_ raw: ConfigurationFile.GOCDB, path: (String) -> String) throws -> GOCDBSettings {
        guard let scheme = URL(string: raw.url)?.scheme?.lowercased(), ["https", "http"].contains(scheme),
            URL(string: raw.url)?.host?.isEmpty == false
        else { throw ConfigurationProblem(["gocdb", "url"], "'\(raw.url)' is not an http(s) URL; expected e.g. https://goc.egi.eu/gocdbpi/public/") }
        if scheme == "http", !Self.isLoopback(URL(string: raw.url)?.host ?? "") {
            throw ConfigurationProblem(["gocdb", "url"], "plain http is allowed only on loopback; expected https://")
        }
        if (raw.certificateFile == nil) != (raw.keyFile == nil) {
            throw ConfigurationProblem(["gocdb", raw.certificateFile == nil ? "certificate_file" : "key_file"], "is missing; a client certificate needs both certificate_file and key_file")
        }
        let minutes = raw.refreshMinutes ?? 60
        guard minutes >= 1 else { throw ConfigurationProblem(["gocdb", "refresh_minutes"], "must be at least 1") }
        var sites: [TeamName: String] = [:]
        for (team, site) in raw.sites ?? [:] {
            guard let name = TeamName(team) else {
                throw ConfigurationProblem(["gocdb", "sites", team], "'\(team)' is not a team name; expected ea-<NGI>-<Site-name>")
            }
            guard !site.isEmpty, site.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw ConfigurationProblem(["gocdb", "sites", team], "'\(site)' is not a GOCDB site name; expected letters, digits, - _ .")
            }
            sites[name] = site
        }
        return GOCDBSettings(
            url: raw.url, certificateFile: raw.certificateFile.map(path), keyFile: raw.keyFile.map(path), caFile: raw.caFile.map(path),
            refreshMinutes: minutes, serviceTypes: raw.serviceTypes.map(Set.init), sites: sites)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
