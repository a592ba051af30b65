/// The templates that ship with the gateway: one per notification kind, the acknowledgement to a team, the notice
/// sent in someone's name, and the footer. The raw value is the file name without `.mustache`; an operator's
/// templates folder overrides any of them by that name, and may add templates of other names for its own routing rules.
public enum TemplateName: String, Sendable, CaseIterable {
    case allReportsIn = "all-reports-in"
    /// To a team, acknowledging its answer (instead of the kind's own template).
    case answerAcknowledged = "answer-acknowledged"
    case conversation
    case deliveryFailed = "delivery-failed"
    case downtimeReminder = "downtime-reminder"
    case downtimeOverdue = "downtime-overdue"
    case escalation
    /// Appended to every body.
    case footer
    case noAnswer = "no-answer"
    case releaseCreated = "release-created"
    case releaseStaged = "release-staged"
    case reportReceived = "report-received"
    case reportRefused = "report-refused"
    case resolved
    /// To a person in whose name a message came without proof, when nothing of it applied.
    case sentInYourName = "sent-in-your-name"
    case teamAccepted = "team-accepted"
    case teamAssigned = "team-assigned"
    case teamRejected = "team-rejected"
    case teamUnassigned = "team-unassigned"
    case testingExtended = "testing-extended"
    case testingMaximum = "testing-maximum"
    case testingMinimum = "testing-minimum"
    case transcript
    case volumeCapped = "volume-capped"
    case directoryTeamGone = "directory-team-gone"
}
