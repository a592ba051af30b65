import Foundation

/// What the grid's service registry (GOCDB) says of one team's beta services at one moment: whether any of them is in
/// a downtime going on, and which (for the history and the reminders).
public struct BetaDowntimeObservation: Sendable, Equatable {
    public var inDowntime: Bool
    /// One line per downtime going on: host, service type, until when. Empty when none.
    public var downtimes: [String]

    public init(inDowntime: Bool, downtimes: [String] = []) {
        self.inDowntime = inDowntime
        self.downtimes = downtimes
    }
}
