import Foundation

/// What can happen to a ticket: the rules engine's input.
public enum WorkflowEvent: Sendable, Equatable {
    /// A message with commands, text and attachments.
    case message(MessageEvent)
    /// `release new` on the command line: the release ticket was recorded; its release managers are told.
    case releaseCreated
    /// `release stage` on the command line: steps 1–3.
    case stageRelease(operator: String, reservedTicketID: TicketID)
    /// A due timer.
    case timerFired(TimerKey)
    /// The held-relays timer (``TimerKind/heldRelays``) with the conversation mail held since the last time it fired:
    /// the `comment.held` entries of the ticket's history.
    case heldRelaysDue(TimerKey, held: [HistoryEntry])
    /// Mail about this ticket could not be delivered to these recipients (a bounce, or a permanent SMTP refusal).
    case deliveryFailed([FailedRecipient], cause: Cause)
    /// The volume caps hold back outbound mail of this ticket (`held` messages, the addresses concerned).
    case outboxHeld(held: Int, addresses: [EmailAddress])
    /// The registry (GOCDB) was asked for the beta downtimes of the rollout's teams.
    case betaDowntimes(BetaDowntimeCheck)
    /// `directory sync` found this assigned team gone from the directory: recorded, the managers told, the team kept
    /// (never silently dropped; a manager decides).
    case directoryTeamGone(TeamName)
}
