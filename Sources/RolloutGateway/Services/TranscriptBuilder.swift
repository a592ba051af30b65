import Foundation
import RolloutCore

/// The transcript of a message, as the Debian bug tracker sends: every command line with its result, the
/// attachments as judged (files judged alike listed together), what the notifications folded into it would have
/// told the sender (``AnswerFolding``), then the ticket's state after it (SPEC §5). It is the message's one answer.
struct TranscriptBuilder: Sendable {
    let message: InboundMessage
    let sender: EmailAddress
    let calendar: BusinessCalendar
    let lines: [ReadLine]

    /// The transcript of `decision`, folding in the notifications that would otherwise have reached the sender.
    func notification(for decision: Decision, folded: [RoutedNotification] = [], ticket: TicketID) -> RoutedNotification {
        let headers = message.headers
        // The sender's chain, bounded here already: a message may name thousands of references.
        let chain = ReferenceList(chain: ReferenceList.chain(references: headers.references, inReplyTo: headers.inReplyTo)).ids
        let queue: Queue = decision.state.rollout?.id == ticket ? .stagedRollout : .release
        let threading: [NoticeFact: String] = [.inReplyTo: headers.messageID ?? "", .references: chain.joined(separator: " ")]
        if Self.refusedForWantOfProof(decision, folded: folded) {
            // The From may be forged: the person it names gets a plain notice, not a transcript of someone else's
            // commands as if they were theirs.
            var facts = threading.merging([.messageID: headers.messageID ?? "", .refusedCount: "\(decision.results.count)"]) { $1 }
            // Its conversation text, if any, went to the watchers (marked as not verified): say so (a fact only when
            // it did: a template section takes any value given, an empty one too).
            if decision.notifications.contains(where: { $0.kind == .conversation }) { facts[.relayed] = "yes" }
            return RoutedNotification(
                kind: .transcript, template: Self.inYourNameTemplate, ticket: ticket, queue: queue, team: nil, recipients: [sender],
                facts: facts)
        }
        return RoutedNotification(
            kind: .transcript, template: TemplateName.transcript.rawValue, ticket: ticket, queue: queue, team: nil,
            recipients: [sender], facts: threading.merging([.transcript: text(for: decision, folded: folded)]) { $1 })
    }

    /// The notice to a person in whose name a message came without proof, when nothing of it applied.
    static let inYourNameTemplate = TemplateName.sentInYourName.rawValue

    /// Whether nothing of the message applied because its sender was not proven (a weak From, or a stale or replayed
    /// mail): every command refused, at least one for that reason, no attachment and nothing else to tell.
    static func refusedForWantOfProof(_ decision: Decision, folded: [RoutedNotification]) -> Bool {
        let results = decision.results
        return !results.isEmpty && folded.isEmpty && decision.attachments.isEmpty
            && results.allSatisfy { $0.status == .refused }
            && results.contains { $0.refusal == .needsStrongAuthentication || $0.refusal == .staleOrReplayed }
    }

    func text(for decision: Decision, folded: [RoutedNotification] = []) -> String {
        var out = ["Processing your message\(message.headers.messageID.map { " <\($0)>" } ?? ""):", ""]
        for result in decision.results {
            out.append("> \(result.line)")
            switch result.status {
            case .applied: out.append("Applied: \(result.message).")
            case .unchanged: out.append("Nothing to change: \(result.message).")
            case .refused: out.append("Refused: \(result.message).")
            }
            if let expected = result.expected { out.append("Expected: \(expected)") }
            out.append("")
        }
        out.append(contentsOf: attachmentLines(decision.attachments, folded: folded))
        let notes = folded.compactMap { note(for: $0, in: decision.state) }
        if !notes.isEmpty {
            out.append(contentsOf: notes)
            out.append("")
        }
        out.append(contentsOf: state(of: decision.state))
        return out.joined(separator: "\n")
    }

    /// The most file names listed for one verdict; the rest are counted.
    static let namesListed = 10

    /// One paragraph per verdict: files judged alike (a thousand badly named reports) are listed together, with
    /// the name expected once.
    func attachmentLines(_ attachments: [AttachmentVerdict], folded: [RoutedNotification]) -> [String] {
        guard !attachments.isEmpty else { return [] }
        var expected: [String: String] = [:]
        for notification in folded where notification.kind == .reportRefused {
            if let file = notification.facts[.fileName], let name = notification.facts[.expectedName] { expected[file] = name }
        }
        struct Verdict: Hashable {
            var what: String
            var expected: String?
        }
        var order: [Verdict] = []
        var files: [Verdict: [String]] = [:]
        for attachment in attachments {
            let what =
                attachment.kind == .report && attachment.problem == nil
                ? "taken as the report of \(attachment.team?.description ?? "?")"
                : attachment.kind == .summary && attachment.problem == nil ? "taken as the summary" : "kept"
            let verdict = Verdict(
                what: what + (attachment.problem.map { ", not taken as a report: \($0)" } ?? ""),
                expected: attachment.problem == nil ? nil : expected[attachment.fileName])
            if files[verdict] == nil { order.append(verdict) }
            files[verdict, default: []].append(attachment.fileName)
        }
        var out: [String] = []
        for verdict in order {
            let names = files[verdict]!
            var list = names.prefix(Self.namesListed).joined(separator: ", ")
            if names.count > Self.namesListed { list += " and \(names.count - Self.namesListed) more (\(names.count) files)" }
            out.append("Attachment\(names.count == 1 ? "" : "s") \(list): \(verdict.what).")
            if let name = verdict.expected {
                out.append("Please send \(names.count == 1 ? "it" : "each report") again named \(name)")
            }
            out.append("")
        }
        return out
    }

    /// What a notification folded into the transcript would have told the sender, beyond the results above.
    func note(for notification: RoutedNotification, in state: RolloutCase) -> String? {
        let facts = notification.facts
        let team = notification.team
        switch notification.kind {
        case .teamAccepted where notification.template == TemplateName.answerAcknowledged.rawValue:
            guard let team, let minimum = facts[.testingMinimum], let maximum = facts[.testingMaximum] else { return nil }
            let name = ReportFiles.expectedReportNames(team: team, release: state.release.release)
            return """
                \(team): please run it in production and attach your report between \(minimum) and \(maximum), named
                    \(name)
                If you put the service into a GOCDB "beta" downtime, tell us with:
                    downtime \(team.shortForm) on
                """
        case .teamAssigned:
            guard let team else { return nil }
            return "\(team) is asked to answer by \(facts[.deadline] ?? "the deadline") with one line: accept \(team.shortForm) or reject \(team.shortForm)."
        case .testingExtended:
            guard let team, let end = facts[.testingMaximum] else { return nil }
            return "The testing period of \(team) now ends \(end)."
        case .downtimeReminder:
            guard let team else { return nil }
            return "\(team) is still recorded in a GOCDB \"beta\" downtime: please remove it, then send: downtime \(team.shortForm) off"
        case .allReportsIn:
            return "Every team that accepted has reported; get the reports in one ZIP with: bundle; close the rollout with: outcome accept|reject, docid <id>, resolve"
        default:
            return nil
        }
    }

    func state(of rolloutCase: RolloutCase) -> [String] {
        guard let rollout = rolloutCase.rollout else {
            return ["Release ticket #\(rolloutCase.release.id.rawValue) is now \(rolloutCase.release.status.rawValue)."]
        }
        var out = ["Ticket #\(rollout.id.rawValue) is now \(rollout.status.rawValue)" + (rollout.outcome.map { ", outcome \($0.rawValue)" } ?? "") + (rollout.documentID.map { ", document \($0)" } ?? "") + "."]
        for team in rollout.activeTeams {
            var parts = [team.answer?.rawValue ?? "no answer yet (due \(calendar.describe(team.answerDeadline)))"]
            if let end = team.testingMaximumEnd { parts.append("testing until \(calendar.describe(end))") }
            if team.downtime { parts.append("beta downtime on") }
            if let report = team.report { parts.append("report \(report)") }
            out.append("  \(team.team): \(parts.joined(separator: "; "))")
        }
        return out
    }
}
