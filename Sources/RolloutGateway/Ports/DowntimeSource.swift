import Foundation

/// Where the beta downtimes of a site come from (step 5 of the procedure: an EA team puts its service into a GOCDB
/// downtime while it runs the beta version). Adapter: `DowntimesGOCDB`.
public protocol DowntimeSource: Sendable {
    /// The downtimes ongoing at `now` on the site's services that are flagged beta (of `serviceTypes` only, when
    /// given). Throws when the registry cannot be asked or answers with an error: the caller keeps what it knew.
    func betaDowntimes(site: String, serviceTypes: Set<String>?, at now: Date) async throws -> [ServiceDowntime]
}
