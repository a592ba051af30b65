import Foundation

/// A downtime of one service of a site, as the grid's service registry (GOCDB) declares it.
public struct ServiceDowntime: Sendable, Equatable {
    /// The registry's identifier of the downtime.
    public var id: String
    public var hostname: String
    public var serviceType: String
    /// `OUTAGE` or `WARNING`.
    public var severity: String
    public var description: String
    public var start: Date
    public var end: Date

    public init(id: String, hostname: String, serviceType: String, severity: String, description: String, start: Date, end: Date) {
        self.id = id
        self.hostname = hostname
        self.serviceType = serviceType
        self.severity = severity
        self.description = description
        self.start = start
        self.end = end
    }
}
