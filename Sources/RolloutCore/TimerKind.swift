import Foundation

/// The timers of SPEC §4.
public enum TimerKind: String, Sendable, Codable, CaseIterable {
    /// A team's one-working-day acknowledgement deadline.
    case answerDeadline = "answer-deadline"
    /// The escalation to the EA lists, and its repeats.
    case escalation
    /// The end of a team's minimum testing period.
    case testingMinimum = "testing-minimum"
    /// The end of a team's maximum testing period.
    case testingMaximum = "testing-maximum"
    /// The hour after the first conversation mail held back by the flood limit: the held mail goes out as one relay
    /// per sender (``WorkflowPolicy/relaysPerSenderPerHour``).
    case heldRelays = "held-relays"
    /// Asking the grid's service registry (GOCDB) whether the accepted teams' beta services are in a downtime, every
    /// ``WorkflowPolicy/betaDowntimeCheckMinutes`` while the rollout is open, then once a working day after Production
    /// while a team is still in its beta downtime (the reminders). Armed only when GOCDB is configured.
    case betaDowntimeCheck = "beta-downtime-check"
}
