import Foundation
import RolloutCore

/// Turns routed notifications into outbox messages: template values, subject tag, headers.
public struct NotificationRenderer: Sendable {
    public let templates: TemplateLibrary
    public let composer: MailComposer
    public let tags: [Queue: String]
    public let context: WorkflowContext
    /// Issues the signed reply addresses; without one, replies go to the plain gateway address.
    public let signer: ReplyAddressSigner?

    public init(
        templates: TemplateLibrary, composer: MailComposer, tags: [Queue: String], context: WorkflowContext,
        signer: ReplyAddressSigner? = nil
    ) {
        self.templates = templates
        self.composer = composer
        self.tags = tags
        self.context = context
        self.signer = signer
    }

    /// `[staged-rollout #12]`.
    public func tag(_ queue: Queue, _ ticket: TicketID) -> String {
        "[\(tags[queue] ?? queue.rawValue) #\(ticket.rawValue)]"
    }

    /// Renders the notifications of one decision; `cause` and `now` make the Message-IDs stable. With
    /// `composeLater`, each message's bytes are written on another thread (``OutgoingMessage/composing``).
    public func render(_ decision: Decision, cause: Cause, now: Date, composeLater: Bool = false) throws -> [OutgoingMessage] {
        // The ticket's values are the same for every notification of one decision: made once per ticket.
        var bases: [TicketID: [String: String]] = [:]
        return try decision.notifications.enumerated().map { index, notification in
            if bases[notification.ticket] == nil {
                bases[notification.ticket] = baseValues(ticket: notification.ticket, queue: notification.queue, in: decision.state)
            }
            return try render(
                notification, in: decision.state, index: index, cause: cause, now: now, base: bases[notification.ticket],
                composeLater: composeLater)
        }
    }

    public func render(
        _ notification: RoutedNotification, in rolloutCase: RolloutCase, index: Int, cause: Cause, now: Date,
        base: [String: String]? = nil, composeLater: Bool = false
    ) throws -> OutgoingMessage {
        let values = self.values(for: notification, in: rolloutCase, base: base)
        let messageID = self.messageID(for: notification, index: index, cause: cause, now: now)
        var draft = MailComposer.Draft(
            to: notification.recipients, subject: "", body: "", messageID: messageID, ticket: notification.ticket, date: now)
        let lists = Set(context.registry.people(ofStack: rolloutCase.release.release.stack).lists)
        draft.bulk = notification.recipients.contains(where: lists.contains)
        if notification.kind == .transcript { draft.autoSubmitted = "auto-replied" }
        if let answered = notification.facts["in_reply_to"] { draft.inReplyTo = answered }
        if let chain = notification.facts["references"] { draft.references = chain.split(separator: " ").map(String.init) }
        draft.replyTo = signer?.address(for: notification.ticket)
        let (templates, composer, template, prepared) = (self.templates, self.composer, notification.template, draft)
        /// The template's text in the draft, written out.
        @Sendable func compose() throws -> [UInt8] {
            let (subject, body) = try templates.render(template, values)
            var draft = prepared
            draft.subject = "\(values["tag"]!) \(subject)"
            draft.body = body
            return composer.compose(draft)
        }
        var message = OutgoingMessage(
            messageID: messageID, ticket: notification.ticket, kind: notification.kind.rawValue,
            sender: composer.returnPath(for: notification.ticket), recipients: notification.recipients, data: [], createdAt: now)
        if composeLater {
            // The only way rendering fails, checked now: what is written later cannot fail.
            try templates.check(template)
            message.composing = ComposedBytes { (try? compose()) ?? [] }
        } else {
            message.data = try compose()
        }
        return message
    }

    /// A Message-ID that the same notification of the same event always gets.
    func messageID(for notification: RoutedNotification, index: Int, cause: Cause, now: Date) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        // Two notices of one event to the same people (two teams' no-answer at one deadline) differ by team and facts.
        let facts = notification.facts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        // The recipients as an array prints them (`["a@b", "c@d"]`), spelt out element by element because printing
        // the array itself went through the generic printing machinery.
        let recipients = "[" + notification.recipients.map(\.key.debugDescription).joined(separator: ", ") + "]"
        let seed =
            "\(cause)|\(notification.kind.rawValue)|\(notification.template)|\(recipients)|\(index)"
            + "|\(notification.team?.key ?? "")|\(notification.ticket.rawValue)|\(facts)"
        for byte in seed.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let stamp = Int(now.timeIntervalSince1970)
        return "rg.\(notification.ticket.rawValue).\(notification.template).\(stamp).\(String(hash, radix: 36))@\(composer.domain)"
    }

    /// The values a template can use.
    public func values(for notification: RoutedNotification, in rolloutCase: RolloutCase, base: [String: String]? = nil)
        -> [String: String]
    {
        var values = base ?? baseValues(ticket: notification.ticket, queue: notification.queue, in: rolloutCase)
        let rollout = rolloutCase.rollout
        let component = rolloutCase.release.release
        if notification.kind == .releaseStaged {
            values["candidate_teams"] = context.registry.teams.values
                .filter { team in team.stacks.contains { $0.caseInsensitiveCompare(component.stackFamily) == .orderedSame } }
                .map(\.name.shortForm).sorted().joined(separator: ", ")
        }
        if let team = notification.team {
            values["team"] = team.description
            values["team_short"] = team.shortForm
            values["reply_accept"] = "accept \(team.shortForm)"
            values["reply_reject"] = "reject \(team.shortForm)"
            values["report_name"] = ReportFiles.expectedReportNames(team: team, release: component)
            if let assignment = rollout?.assignment(of: team) {
                values["deadline"] = context.policy.calendar.describe(assignment.answerDeadline)
                values["answered_by"] = assignment.answeredBy?.value ?? ""
            }
        }
        values.merge(notification.facts) { _, fact in fact }
        return values
    }

    /// The values of a ticket shared by all its notifications.
    func baseValues(ticket: TicketID, queue: Queue, in rolloutCase: RolloutCase) -> [String: String] {
        let release = rolloutCase.release
        let rollout = rolloutCase.rollout
        let component = release.release
        var values: [String: String] = [
            "ticket_id": String(ticket.rawValue),
            "tag": tag(queue, ticket),
            "title": queue == .release ? release.title : (rollout?.title ?? release.title),
            "release_id": String(release.id.rawValue),
            "release_title": release.title,
            "release_status": release.status.rawValue,
            "stack": component.stack,
            "component": component.component ?? "",
            "version": component.version,
            "release_notes": release.links.releaseNotes,
            "fixed_bugs": release.links.fixedBugs,
            "documentation": release.links.documentation,
            "gateway_address": composer.from.value,
            "gateway_name": composer.displayName,
            "doc_description": component.documentDescription,
            "summary_name": ReportFiles.expectedSummaryName(release: component),
            "testing_minimum_days": String(context.policy.testingMinimumDays),
            "testing_maximum_days": String(context.policy.testingMaximumDays),
            "assigned_teams": rollout.map { $0.activeTeams.map(\.team.description).joined(separator: ", ") } ?? "",
        ]
        if let rollout {
            values["status"] = rollout.status.rawValue
            values["outcome"] = rollout.outcome?.rawValue ?? ""
            values["docid"] = rollout.documentID ?? ""
        }
        return values
    }
}