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

    /// Renders the notifications of one decision, one copy per recipient; `cause` and `now` make the Message-IDs
    /// stable. With `composeLater`, each message's bytes are written on another thread (``OutgoingMessage/composing``).
    public func render(_ decision: Decision, cause: Cause, now: Date, composeLater: Bool = false) throws -> [OutgoingMessage] {
        // The ticket's values are the same for every notification of one decision: made once per ticket.
        var bases: [TicketID: [String: String]] = [:]
        var messages: [OutgoingMessage] = []
        for (index, notification) in decision.notifications.enumerated() {
            if bases[notification.ticket] == nil {
                bases[notification.ticket] = baseValues(ticket: notification.ticket, queue: notification.queue, in: decision.state)
            }
            messages += try render(
                notification, in: decision.state, index: index, cause: cause, now: now, base: bases[notification.ticket],
                composeLater: composeLater)
        }
        return messages
    }

    /// Renders one notification: the template once, then a copy per recipient that differs only in its headers
    /// (To, Message-ID, and the Reply-To address issued to that recipient, or the list's).
    public func render(
        _ notification: RoutedNotification, in rolloutCase: RolloutCase, index: Int, cause: Cause, now: Date,
        base: [String: String]? = nil, composeLater: Bool = false
    ) throws -> [OutgoingMessage] {
        let values = self.values(for: notification, in: rolloutCase, base: base)
        let messageID = self.messageID(for: notification, index: index, cause: cause, now: now)
        var draft = MailComposer.Draft(
            to: [], subject: "", body: "", messageID: messageID, ticket: notification.ticket, date: now)
        if notification.kind == .transcript { draft.autoSubmitted = "auto-replied" }
        if let answered = notification.facts["in_reply_to"] { draft.inReplyTo = answered }
        if let chain = notification.facts["references"] { draft.references = chain.split(separator: " ").map(String.init) }
        let lists = Set(context.registry.people(ofStack: rolloutCase.release.release.stack).lists)
        let (templates, composer, template) = (self.templates, self.composer, notification.template)
        let text = RenderedText { try templates.render(template, values) }
        if composeLater {
            // The only way rendering fails, checked now: what is written later cannot fail.
            try templates.check(template)
        } else {
            _ = try text.value()
        }
        let recipients = notification.recipients
        guard !recipients.isEmpty else { return [] }
        let drafts = recipients.map { recipient in
            var copy = draft
            copy.to = [recipient]
            copy.bulk = lists.contains(recipient)
            copy.messageID = recipients.count == 1 ? messageID : Self.copyID(messageID, recipient)
            copy.replyTo =
                copy.bulk
                ? signer?.listAddress(for: notification.ticket)
                : signer?.address(for: notification.ticket, recipient: recipient)
            return copy
        }
        let tag = values["tag"]!
        /// A copy with the template's text in it.
        @Sendable func filled(_ copy: MailComposer.Draft) -> MailComposer.Draft? {
            guard let (subject, body) = try? text.value() else { return nil }
            var draft = copy
            draft.subject = "\(tag) \(subject)"
            draft.body = body
            return draft
        }
        // The first copy is written through the MIME writer; the others are made from its bytes.
        let first = drafts[0]
        let firstBytes = SharedBytes { filled(first).map(composer.compose) ?? [] }
        return zip(recipients, drafts).enumerated().map { position, pair in
            let (recipient, copy) = pair
            @Sendable func compose() -> [UInt8] {
                if position == 0 { return firstBytes.value() }
                guard let original = filled(first), let draft = filled(copy) else { return [] }
                return MailComposer.copy(of: firstBytes.value(), composedFrom: original, as: draft) ?? composer.compose(draft)
            }
            var message = OutgoingMessage(
                messageID: copy.messageID, ticket: notification.ticket, kind: .notification(notification.kind),
                sender: composer.returnPath(for: notification.ticket, copy: copy.messageID, to: recipient, signer: signer),
                recipients: [recipient], data: [], createdAt: now)
            if composeLater {
                message.composing = ComposedBytes(compose)
            } else {
                message.data = compose()
            }
            return message
        }
    }

    /// The Message-ID of one recipient's copy: the notification's, told apart by a hash of the address.
    static func copyID(_ messageID: String, _ recipient: EmailAddress) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in recipient.key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        // Fixed width, so that every copy's Message-ID line folds alike (MailComposer.copy).
        let digits = String(hash, radix: 36)
        let suffix = String(repeating: "0", count: max(0, 13 - digits.count)) + digits
        guard let at = messageID.lastIndex(of: "@") else { return messageID + ".\(suffix)" }
        return "\(messageID[..<at]).\(suffix)\(messageID[at...])"
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