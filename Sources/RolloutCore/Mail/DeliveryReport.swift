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

    /// A failure as it may be recorded on a ticket and told to its managers: the address, `failed`, and an RFC 3463
    /// status code (`5.1.1`); never the `Diagnostic-Code` or other text, which whoever wrote the report chose.
    public static func withoutFreeText(_ recipient: FailedRecipient) -> FailedRecipient {
        FailedRecipient(
            address: recipient.address, action: recipient.action == "failed" ? "failed" : "",
            status: recipient.status.flatMap(statusCode), diagnostic: nil)
    }

    /// An RFC 3463 status code (`class.subject.detail`, class 2, 4 or 5, each part of one to three digits), or nil
    /// for anything else written where one stands.
    public static func statusCode(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]),
            parts.dropFirst().allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return text
    }
}
