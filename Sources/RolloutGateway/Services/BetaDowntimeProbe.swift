import Foundation
import RolloutCore

/// Asks the registry (``DowntimeSource``, GOCDB) for the beta downtimes of teams' sites: each site once per probe, the
/// site named after the team (`ea-NGI_IT-INFN-T1` → `INFN-T1`) unless the configuration names another.
public struct BetaDowntimeProbe: Sendable {
    public let source: any DowntimeSource
    /// Sites named in the configuration, by team; the others are the team name's site part.
    public let sites: [TeamName: String]
    /// Only these service types count, when given.
    public let serviceTypes: Set<String>?

    public init(source: any DowntimeSource, sites: [TeamName: String] = [:], serviceTypes: Set<String>? = nil) {
        self.source = source
        self.sites = sites
        self.serviceTypes = serviceTypes
    }

    public func site(of team: TeamName) -> String { sites[team] ?? team.site }

    /// What the registry says of each team at `now`. Throws (``Failure``, naming the site) when it cannot be asked for
    /// one of them: then nothing of the probe counts.
    public func observe(_ teams: [TeamName], at now: Date, describe: (Date) -> String) async throws -> [TeamName: BetaDowntimeObservation] {
        var bySite: [String: [ServiceDowntime]] = [:]
        var observed: [TeamName: BetaDowntimeObservation] = [:]
        for team in teams {
            let site = site(of: team)
            if bySite[site] == nil {
                do {
                    bySite[site] = try await source.betaDowntimes(site: site, serviceTypes: serviceTypes, at: now)
                } catch {
                    throw Failure(site: site, reason: "\(error)")
                }
            }
            let downtimes = bySite[site] ?? []
            observed[team] = BetaDowntimeObservation(
                inDowntime: !downtimes.isEmpty,
                downtimes: downtimes.map { "\($0.hostname) (\($0.serviceType), \($0.severity)) until \(describe($0.end)), GOCDB downtime \($0.id)" })
        }
        return observed
    }

    /// The registry could not be asked about a site, or answered with an error.
    public struct Failure: Error, CustomStringConvertible {
        public var site: String
        public var reason: String
        public var description: String { "GOCDB could not be asked about site \(site): \(reason)" }
    }
}
