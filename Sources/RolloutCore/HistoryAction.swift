/// What a history entry records: its short machine-readable name. The raw value is the name stored in the history
/// table's `action` column (the names stored before this type existed: no migration); a stored name this binary does
/// not know is an error when read, never a default.
public enum HistoryAction: String, Sendable, Codable, CaseIterable {
    /// A ticket created (a release by `release new`, its staged-rollout child by `release stage`).
    case created
    /// A ticket's status (or, for a release, its owner) changed.
    case status
    /// A release got its staged-rollout child.
    case child
    case teamAssigned = "team.assigned"
    case teamUnassigned = "team.unassigned"
    case teamVolunteered = "team.volunteered"
    case teamAccepted = "team.accepted"
    case teamRejected = "team.rejected"
    case teamDowntime = "team.downtime"
    case teamDowntimeReminder = "team.downtime-reminder"
    /// A team still in its beta downtime after the most reminders: the managers were told.
    case teamDowntimeOverdue = "team.downtime-overdue"
    case teamExtended = "team.extended"
    case teamNoAnswer = "team.no-answer"
    case teamReminded = "team.reminded"
    case teamOverdue = "team.overdue"
    case ggus
    case outcome
    case docid
    case escalation
    case escalationPostponed = "escalation.postponed"
    case escalationLimit = "escalation.limit"
    case escalationScheduled = "escalation.scheduled"
    case attachment
    case attachmentRefused = "attachment.refused"
    case summary
    case report
    case reportsComplete = "reports.complete"
    /// A conversation mail relayed on its own (``RelayWindow``).
    case comment
    /// A conversation mail held back by the flood limit.
    case commentHeld = "comment.held"
    /// The held conversation mail sent together.
    case commentHeldSent = "comment.held-sent"
    case deliveryFailed = "delivery.failed"
    case outboxHeld = "outbox.held"
    /// An assigned team is no longer in the directory (issue 22): kept assigned, the managers told.
    case directoryTeamGone = "directory.team-gone"
    /// The report bundle answered to `bundle` (attached, or how to fetch it when it is over the cap).
    case bundleSent = "bundle.sent"
    /// The ticket's state answered to `show`.
    case stateShown = "state.shown"
    /// A message's S/MIME signature was not accepted (the message counted as weak), with why.
    case signatureRefused = "signature.refused"

    /// A team's answer recorded.
    public static func team(_ answer: TeamAnswer) -> HistoryAction {
        switch answer {
        case .accepted: .teamAccepted
        case .rejected: .teamRejected
        }
    }
}
