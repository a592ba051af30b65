import Foundation
import RolloutCore

/// What an event did: the per-command results and the ticket touched.
public struct EventReport: Sendable {
    public var ticket: TicketID
    public var results: [CommandResult]
    public var attachments: [AttachmentVerdict]
    public var notifications: Int
    public var createdTicket: TicketID?
    public var state: RolloutCase
    /// Whether the event's transcript (the answer to its message) was queued.
    public var answered = false
}
