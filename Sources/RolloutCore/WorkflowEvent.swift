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
    /// Mail about this ticket could not be delivered to these recipients (a bounce, or a permanent SMTP refusal).
    case deliveryFailed([FailedRecipient], cause: Cause)
    /// The volume caps hold back outbound mail of this ticket (`held` messages, the addresses concerned).
    case outboxHeld(held: Int, addresses: [EmailAddress])
}
