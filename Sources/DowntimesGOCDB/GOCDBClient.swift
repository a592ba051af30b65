import Foundation
import MailCurl
import RolloutGateway

/// GOCDB's public read API (`…/gocdbpi/public/?method=…`, XML), as the beta downtimes of a site need it:
/// `get_service_endpoint&sitename=SITE` says which services are flagged beta (`<BETA>Y</BETA>` is the service's flag,
/// not the downtime's), `get_downtime&topentity=SITE&ongoing_only=yes` lists the downtimes going on. `topentity` is
/// matched with SQL LIKE (`_` is a wildcard), so every record is filtered again by the exact site name; each downtime's
/// dates are checked against `now` too.
public struct GOCDBClient: DowntimeSource {
    /// The API's URL up to the query (`https://goc.egi.eu/gocdbpi/public/`).
    public let url: String
    public let fetch: HTTPFetch

    public init(url: String, fetch: HTTPFetch = HTTPFetch()) {
        self.url = url
        self.fetch = fetch
    }

    public func betaDowntimes(site: String, serviceTypes: Set<String>?, at now: Date) async throws -> [ServiceDowntime] {
        let services = try await records(["method": "get_service_endpoint", "sitename": site], of: "SERVICE_ENDPOINT")
            .filter { $0["SITENAME"] == site && $0["BETA"]?.uppercased() == "Y" }
            .filter { service in serviceTypes.map { $0.contains(service["SERVICE_TYPE"] ?? "") } ?? true }
        let beta = Set(services.map { Self.key(hostname: $0["HOSTNAME"], type: $0["SERVICE_TYPE"]) })
        guard !beta.isEmpty else { return [] }
        return try await records(["method": "get_downtime", "topentity": site, "ongoing_only": "yes"], of: "DOWNTIME")
            .filter { $0["HOSTED_BY"] == site && beta.contains(Self.key(hostname: $0["HOSTNAME"], type: $0["SERVICE_TYPE"])) }
            .compactMap(Self.downtime)
            .filter { $0.start <= now && now < $0.end }
    }

    static func key(hostname: String?, type: String?) -> String {
        "\(hostname?.lowercased() ?? "")|\(type ?? "")"
    }

    static func downtime(_ record: [String: String]) -> ServiceDowntime? {
        guard let start = record["START_DATE"].flatMap(TimeInterval.init), let end = record["END_DATE"].flatMap(TimeInterval.init) else {
            return nil
        }
        return ServiceDowntime(
            id: record["@ID"] ?? record["PRIMARY_KEY"] ?? "", hostname: record["HOSTNAME"] ?? "", serviceType: record["SERVICE_TYPE"] ?? "",
            severity: record["SEVERITY"] ?? "", description: record["DESCRIPTION"] ?? "",
            start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end))
    }

    /// The records named `name` of the answer to a query.
    func records(_ query: KeyValuePairs<String, String>, of name: String) async throws -> [[String: String]] {
        var components = URLComponents(string: url)
        components?.queryItems = query.map { URLQueryItem(name: $0.key, value: $0.value) }
        guard let address = components?.string else { throw GOCDBError.unreachable("\(url) is not a URL") }
        let bytes: [UInt8]
        do {
            bytes = try await fetch.get(address)
        } catch {
            throw GOCDBError.unreachable(error.description)
        }
        let document = try GOCDBDocument(bytes, records: name)
        if let error = document.error { throw GOCDBError.answeredError(error) }
        return document.records
    }
}
