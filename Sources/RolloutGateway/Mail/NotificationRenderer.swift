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

    /// The thread roots the notifications of a decision may refer to (``MailComposer/threadRoot(of:for:)``), one per
    /// ticket and recipient: the caller asks the store which of them were sent (``ThreadRootStore``).
    public func threadRoots(of decision: Decision) -> [String] {
        var roots: [String] = []
        var seen = Set<String>()
        for notification in decision.notifications {
            for recipient in notification.recipients {
                let root = composer.threadRoot(of: notification.ticket, for: recipient)
                if seen.insert(root).inserted { roots.append(root) }
            }
        }
        return roots
    }

    /// Renders the notifications of one decision, one copy per recipient; `cause` and `now` make the Message-IDs
    /// stable.
    ///
    /// - Parameter rootsSent: the thread roots of ``threadRoots(of:)`` already in the outbox. A person's first
    ///   message of a ticket becomes their root (its Message-ID is the root's); every later one refers to it.
    ///
    /// - Parameter answerFiles: files the sender's answer (the transcript) carries (``Gateway/completeAnswer(_:now:)``).
    public func render(
        _ decision: Decision, cause: Cause, now: Date, rootsSent: Set<String> = [], answerFiles: [MailAttachment] = []
    ) throws -> [OutgoingMessage] {
        // The ticket's values are the same for every notification of one decision: made once per ticket.
        var bases: [TicketID: [String: String]] = [:]
        var messages: [OutgoingMessage] = []
        var roots = rootsSent
        for (index, notification) in decision.notifications.enumerated() {
            if bases[notification.ticket] == nil {
                bases[notification.ticket] = baseValues(ticket: notification.ticket, queue: notification.queue, in: decision.state)
            }
            messages += try render(
                notification, in: decision.state, index: index, cause: cause, now: now, base: bases[notification.ticket],
                roots: &roots, files: notification.kind == .transcript ? answerFiles : [])
        }
        return messages
    }

    /// Renders one notification: the template once, then a copy per recipient that differs only in its headers
    /// (To, Message-ID, the Reply-To address issued to that recipient, or the list's, and the recipient's thread
    /// root).
    ///
    /// - Parameter roots: the thread roots sent so far; those this notification issues are added.
    public func render(
        _ notification: RoutedNotification, in rolloutCase: RolloutCase, index: Int, cause: Cause, now: Date,
        base: [String: String]? = nil, roots: inout Set<String>, files: [MailAttachment] = []
    ) throws -> [OutgoingMessage] {
        let values = self.values(for: notification, in: rolloutCase, base: base)
        let messageID = self.messageID(for: notification, index: index, cause: cause, now: now)
        var draft = MailComposer.Draft(
            to: [], subject: "", body: "", messageID: messageID, ticket: notification.ticket, date: now)
        if notification.kind == .transcript { draft.autoSubmitted = "auto-replied" }
        draft.attachments = files
        if let answered = notification.facts[.inReplyTo] { draft.inReplyTo = answered }
        if let chain = notification.facts[.references] { draft.references = chain.split(separator: " ").map(String.init) }
        let lists = Set(context.registry.people(ofStack: rolloutCase.release.release.stack).lists)
        let (subject, body) = try StageTimes.measure("render.template") { try templates.render(notification.template, values) }
        draft.subject = "\(values["tag"]!) \(subject)"
        draft.body = body
        // Relayed conversation is a sender's words (perhaps a forger's): never under the gateway's signature.
        draft.signable = notification.kind != .conversation
        let recipients = notification.recipients
        let drafts = recipients.map { recipient in
            var copy = draft
            copy.to = [recipient]
            copy.bulk = lists.contains(recipient)
            copy.messageID = recipients.count == 1 ? messageID : Self.copyID(messageID, recipient)
            copy.replyTo =
                copy.bulk
                ? signer?.listAddress(for: notification.ticket)
                : signer?.address(for: notification.ticket, recipient: recipient)
            let root = composer.threadRoot(of: notification.ticket, for: recipient)
            if roots.insert(root).inserted {
                copy.messageID = root
            } else {
                copy.threadRoot = root
            }
            return copy
        }
        // The first copy of each shape (a person's thread root, or a message referring to one) is written through the
        // MIME writer; the others are made from its bytes, their headers replaced. All copies share the body, and so
        // the fingerprint of its text, computed once (issue 24).
        var models: [Bool: Model] = [:]
        var fingerprint: OwnTextFingerprint?
        return zip(recipients, drafts).map { recipient, copy in
            let shape = copy.threadRoot == nil
            let made: Model
            if let model = models[shape],
                let bytes = StageTimes.measure("render.copy", { MailComposer.copy(of: model.bytes, composedFrom: model.draft, as: copy) })
            {
                made = Model(draft: copy, bytes: bytes, fingerprint: model.fingerprint)
            } else {
                made = written(copy, fingerprint: &fingerprint)
                if models[shape] == nil { models[shape] = made }
            }
            return OutgoingMessage(
                messageID: copy.messageID, ticket: notification.ticket, kind: .notification(notification.kind),
                sender: composer.returnPath(for: notification.ticket, copy: copy.messageID, to: recipient, signer: signer),
                recipients: [recipient], data: made.bytes, createdAt: now, textFingerprint: made.fingerprint)
        }
    }

    /// A copy written through the MIME writer, which the others of its shape are made from.
    private struct Model {
        var draft: MailComposer.Draft
        var bytes: [UInt8]
        var fingerprint: OwnTextFingerprint
    }

    /// `draft` written through the MIME writer, with the fingerprint of its text: `fingerprint` when the
    /// notification's body has one already, computed (and kept there) otherwise.
    private func written(_ draft: MailComposer.Draft, fingerprint: inout OwnTextFingerprint?) -> Model {
        let bytes = StageTimes.measure("render.mime-write") { composer.compose(draft) }
        // The text part's words are the body's, whatever its transfer encoding, attachments or signature
        // (`FingerprintOfBodyTests`).
        let text = fingerprint ?? StageTimes.measure("render.fingerprint") { OutgoingMessage.textFingerprint(ofBody: draft.body) }
        fingerprint = text
        return Model(draft: draft, bytes: bytes, fingerprint: text)
    }

    /// The Message-ID of one recipient's copy: the notification's, told apart by a hash of the address.
    static func copyID(_ messageID: String, _ recipient: EmailAddress) -> String {
        // Fixed width, so that every copy's Message-ID line folds alike (MailComposer.copy).
        let suffix = MessageIDHash.fixedWidth(recipient)
        guard let at = messageID.lastIndex(ofASCII: "@") else { return messageID + ".\(suffix)" }
        return "\(messageID[..<at]).\(suffix)\(messageID[at...])"
    }

    /// A Message-ID that the same notification of the same event always gets.
    func messageID(for notification: RoutedNotification, index: Int, cause: Cause, now: Date) -> String {
        // Two notices of one event to the same people (two teams' no-answer at one deadline) differ by team and facts.
        let facts = notification.facts.templateValues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        // The recipients as an array prints them (`["a@b", "c@d"]`), spelt out element by element because printing
        // the array itself went through the generic printing machinery; a key of printable ASCII that needs no escape
        // is quoted as it is, which is what `debugDescription` writes for it (at a twentieth of the cost).
        let recipients = "[" + notification.recipients.map { Self.quoted($0.key) }.joined(separator: ", ") + "]"
        let seed =
            "\(cause)|\(notification.kind.rawValue)|\(notification.template)|\(recipients)|\(index)"
            + "|\(notification.team?.key ?? "")|\(notification.ticket.rawValue)|\(facts)"
        let hash = MessageIDHash.of(seed)
        let stamp = Int(now.timeIntervalSince1970)
        return "rg.\(notification.ticket.rawValue).\(notification.template).\(stamp).\(String(hash, radix: 36))@\(composer.domain)"
    }

    /// `text.debugDescription`, without its scalar-by-scalar escaping when no byte needs it.
    public static func quoted(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { byte in
            (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "'")
        }
        return plain ? "\"" + text + "\"" : text.debugDescription
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
        values.merge(notification.facts.templateValues) { _, fact in fact }
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