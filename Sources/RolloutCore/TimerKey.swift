import Foundation

/// Identifies a timer: at most one of each kind per ticket and team.
public struct TimerKey: Hashable, Sendable {
    public var ticket: TicketID
    public var kind: TimerKind
    public var team: TeamName?

    public init(ticket: TicketID, kind: TimerKind, team: TeamName? = nil) {
        self.ticket = ticket
        self.kind = kind
        self.team = team
    }
}
