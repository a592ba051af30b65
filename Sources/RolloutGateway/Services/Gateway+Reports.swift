import Foundation
import RolloutCore

/// The reports of a staged rollout, for `reports list|get|bundle` (step 9).
extension Gateway {
    /// The staged rollout a ticket number names (a release ticket names its child) and its attachments, oldest first.
    public func reports(of ticket: TicketID) async throws -> (rollout: StagedRolloutTicket, attachments: [StoredAttachment]) {
        guard let stored = try await store.load(ticket) else { throw GatewayError.unknownTicket(ticket) }
        guard let rollout = stored.rolloutCase.rollout else {
            throw GatewayError.invalidInput("ticket \(ticket) is a release ticket whose staged rollout has not started: it has no reports")
        }
        return (rollout, try await store.attachments(of: rollout.id))
    }

    /// The report bundle of a ticket's staged rollout.
    public func reportBundle(of ticket: TicketID) async throws -> ReportBundle {
        let (rollout, attachments) = try await reports(of: ticket)
        return try ReportBundle(rollout: rollout, attachments: attachments)
    }
}
