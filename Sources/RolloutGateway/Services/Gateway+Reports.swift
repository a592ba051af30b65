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

    /// One file for `reports get`: a file of the bundle by the path the bundle gives it (a team's report is the one
    /// the bundle picks, its last well-named one, under the procedure's name; `index.txt`; a badly named one under
    /// `not-named-as-required/`), else the last attachment of that name (a log, a refused document).
    public func reportFile(of ticket: TicketID, named name: String) async throws -> [UInt8] {
        let (rollout, attachments) = try await reports(of: ticket)
        if let bundle = try? ReportBundle(rollout: rollout, attachments: attachments),
            let file = bundle.files.first(where: { $0.path == name })
        {
            return file.bytes
        }
        guard let attachment = attachments.last(where: { ReportBundle.safeName($0.verdict.fileName) == name }) else {
            throw GatewayError.invalidInput(
                "ticket \(rollout.id) has no attachment named \(name); `rollout-gateway reports list \(ticket)` lists them")
        }
        return attachment.bytes
    }

    /// The report bundle of a ticket's staged rollout.
    public func reportBundle(of ticket: TicketID) async throws -> ReportBundle {
        let (rollout, attachments) = try await reports(of: ticket)
        return try ReportBundle(rollout: rollout, attachments: attachments)
    }
}
