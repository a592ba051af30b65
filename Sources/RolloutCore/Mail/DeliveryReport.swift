import Foundation

/// What a delivery-status report (RFC 3464) or another non-delivery notice says: the ticket of the returned message
/// and the recipients that failed, so that the caller can mark them.
public struct DeliveryReport: Sendable, Equatable {
    /// The ticket of the returned message (its own Message-ID, subject tag or threading headers), else of the notice's
    /// own subject (Exchange's "Undeliverable: [staged-rollout #42] …").
    public var ticket: TicketReference?
    /// Recipients whose delivery failed for good (`Action: failed`, or a `5.x.x` status).
    public var failedRecipients: [FailedRecipient]
    /// Recipients whose delivery is only delayed (`Action: delayed`): not to be marked as failed.
    public var delayedRecipients: [FailedRecipient]

    public init(ticket: TicketReference?, failedRecipients: [FailedRecipient], delayedRecipients: [FailedRecipient]) {
        self.ticket = ticket
        self.failedRecipients = failedRecipients
        self.delayedRecipients = delayedRecipients
    }

    /// Reads a report that the MIME layer parsed (``InboundMessage/failedRecipients``, ``InboundMessage/embeddedMessages``).
    public init(reading report: InboundMessage, finder: TicketReferenceFinder) {
        self.ticket = finder.returnedReference(in: report) ?? finder.reference(in: report.headers)
        var failed: [FailedRecipient] = []
        var delayed: [FailedRecipient] = []
        for recipient in report.failedRecipients {
            let action = recipient.action.trimmingWhitespace().lowercased()
            if action == "failed" || (action.isEmpty && recipient.status?.hasPrefix("5") == true) {
                failed.append(recipient)
            } else if action == "delayed" {
                delayed.append(recipient)
            }
        }
        self.failedRecipients = failed
        self.delayedRecipients = delayed
    }
}
