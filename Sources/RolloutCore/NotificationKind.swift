

/// Every kind of mail the workflow sends. The raw value names the event in configuration and,
/// by default, the template.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    /// `release new`: the release managers get their own copy (and reply token), to stage it by mail.
    case releaseCreated = "release-created"
    case releaseStaged = "release-staged"
    case teamAssigned = "team-assigned"
    case teamUnassigned = "team-unassigned"
    case teamAccepted = "team-accepted"
    case teamRejected = "team-rejected"
    case noAnswer = "no-answer"
    case escalation = "escalation"
    case testingExtended = "testing-extended"
    case testingMinimumReached = "testing-minimum"
    case testingMaximumReached = "testing-maximum"
    case reportReceived = "report-received"
    case reportRefused = "report-refused"
    case allReportsIn = "all-reports-in"
    case conversation = "conversation"
    case resolved = "resolved"
    case downtimeReminder = "downtime-reminder"
    /// A team was reminded the most times and is still in its beta downtime after Production: the managers are told.
    case downtimeOverdue = "downtime-overdue"
    case transcript = "transcript"
    /// A notification could not be delivered to some recipients (a bounce, or a permanent SMTP refusal).
    case deliveryFailed = "delivery-failed"
    /// Outbound mail of a ticket is held back by the volume caps.
    case volumeCapped = "volume-capped"
    /// A team assigned to an open staged rollout is no longer in the directory (issue 22).
    case directoryTeamGone = "directory-team-gone"
}
