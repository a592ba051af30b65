import Foundation

/// A check of the beta downtimes of a rollout's teams: the workflow's input when the registry (GOCDB) was asked.
public struct BetaDowntimeCheck: Sendable, Equatable {
    /// The check timer that fired, when a timer asked (not `downtimes check` on the command line).
    public var fired: TimerKey?
    /// What the registry said, per team asked; nil when it could not be asked or answered with an error: the last
    /// known state stays.
    public var observed: [TeamName: BetaDowntimeObservation]?
    /// Reminders to end the beta downtime each team has had so far (from the ticket's history).
    public var remindersSent: [TeamName: Int]

    public init(fired: TimerKey?, observed: [TeamName: BetaDowntimeObservation]?, remindersSent: [TeamName: Int] = [:]) {
        self.fired = fired
        self.observed = observed
        self.remindersSent = remindersSent
    }

    /// The teams whose beta downtimes are asked for: those that accepted, and any still recorded in one.
    public static func teamsToAsk(in rollout: StagedRolloutTicket) -> [TeamName] {
        rollout.activeTeams.filter { $0.hasAccepted || $0.downtime }.map(\.team)
    }
}
