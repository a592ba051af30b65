import Foundation
import RolloutCore

/// A manager's mail that names no ticket and says only `show` (issue 21 #2): answered with every open staged rollout
/// of their stacks (``RolloutOverview``), at the address the registry knows them by — the From, never a `Reply-To:`.
/// Anyone else's such mail stays set aside as naming no ticket.
extension Ingest {
    /// The answer to a manager's `show` with no ticket, or nil when the message is not one.
    func overviewAnswer(_ analysis: Analysis, now: Date) async throws -> OutgoingMessage? {
        guard analysis.namesNoTicket, analysis.mayAnswer, let sender = analysis.sender else { return nil }
        let commands = analysis.lines.compactMap { line -> Command? in
            if case .command(let command) = line.reading { return command }
            return nil
        }
        guard commands == [.show], registry.stacks.values.contains(where: { $0.managers.contains(registry.primary(sender)) }),
            underReplyLimit(sender, answered: analysis.answersToSender)
        else { return nil }
        let rollouts = try await gateway.openRollouts(managedBy: sender)
        let overview = RolloutOverview(rollouts: rollouts, now: now, calendar: configuration.workflow.policy.calendar)
        let composer = gateway.renderer.composer
        let message = analysis.message
        let messageID = "rg.0.overview.\(Int(now.timeIntervalSince1970)).\(message.digest.prefix(12))@\(composer.domain)"
        var draft = MailComposer.Draft(
            to: [sender], subject: "Open staged rollouts: \(rollouts.count)",
            body: """
                Processing your message\(message.headers.messageID.map { " <\($0)>" } ?? ""):

                > show
                Applied: every open staged rollout of the stacks you manage follows.

                \(overview.text)

                `show` in a reply to a ticket's notification gives that ticket's whole state; `bundle` its reports.
                This answer was generated automatically.
                """, messageID: messageID, ticket: nil, date: now)
        draft.autoSubmitted = "auto-replied"
        draft.inReplyTo = message.headers.messageID
        draft.references = ReferenceList.chain(references: message.headers.references, inReplyTo: message.headers.inReplyTo)
        return OutgoingMessage(
            messageID: messageID, ticket: nil, kind: .notification(.transcript), sender: composer.from, recipients: [sender],
            data: composer.compose(draft), createdAt: now)
    }
}
