import Foundation
import RolloutCore

/// The human-readable form of `tickets show`.
public enum TicketText {
    /// History entries that hold a person's words (the conversation relayed or held): left out of the state sent by
    /// mail (`show`), which carries no message bodies.
    static let messageBodyActions: Set<String> = [
        HistoryAction.comment.rawValue, HistoryAction.commentHeld.rawValue, HistoryAction.commentHeldSent.rawValue,
    ]

    /// - Parameter messageBodies: whether conversation text kept in the history is shown (`tickets show`), or only
    ///   that there was some (the state by mail).
    public static func render(_ view: TicketView, calendar: BusinessCalendar, messageBodies: Bool = true) -> String {
        func time(_ date: Date?) -> String { date.map(calendar.describe) ?? "-" }
        var lines = ["#\(view.id) [\(view.queue)] \(view.title)", "  status: \(view.status)"]
        if let parent = view.parent { lines.append("  release ticket: #\(parent) (\(view.release.status), owner \(view.release.owner))") }
        if let child = view.child { lines.append("  staged-rollout ticket: #\(child)") }
        lines.append("  release notes: \(view.release.links.releaseNotes)")
        lines.append("  fixed bugs: \(view.release.links.fixedBugs)")
        lines.append("  documentation: \(view.release.links.documentation)")
        if let outcome = view.outcome { lines.append("  outcome: \(outcome)") }
        if let document = view.documentId { lines.append("  document: \(document)") }
        if let summary = view.summary { lines.append("  summary: \(summary)") }
        if !view.ggus.isEmpty { lines.append("  GGUS: \(view.ggus.joined(separator: ", "))") }
        if let escalation = view.escalation, escalation.sent > 0 || escalation.nextAt != nil {
            lines.append("  escalations sent: \(escalation.sent); next: \(time(escalation.nextAt))")
        }
        if !view.teams.isEmpty { lines.append("  teams:") }
        for team in view.teams {
            var parts = [team.unassignedAt == nil ? (team.answer ?? "no answer yet") : "unassigned"]
            if team.volunteered { parts.append("volunteered") }
            if team.answer == nil, team.unassignedAt == nil { parts.append("answer due \(time(team.answerDeadline))") }
            if let by = team.answeredBy { parts.append("by \(by)") }
            if let end = team.testingMaximumEnd { parts.append("testing \(time(team.testingMinimumEnd)) – \(time(end))") }
            if team.downtime { parts.append("beta downtime on") }
            parts.append(team.report.map { "report \($0)" } ?? (team.answer == "accepted" ? "no report yet" : ""))
            lines.append("    \(team.team): " + parts.filter { !$0.isEmpty }.joined(separator: "; "))
        }
        if !view.timers.isEmpty { lines.append("  pending timers:") }
        for timer in view.timers { lines.append("    \(timer.kind)\(timer.team.map { " \($0)" } ?? ""): \(time(timer.dueAt))") }
        if !view.attachments.isEmpty { lines.append("  attachments:") }
        for attachment in view.attachments {
            lines.append("    \(attachment.fileName) (\(attachment.kind), \(attachment.size) bytes)\(attachment.problem.map { " — \($0)" } ?? "")")
        }
        lines.append("  history:")
        for entry in view.history {
            let level = entry.authentication.map { "/\($0)" + (entry.authenticationBasis.map { " by \($0)" } ?? "") } ?? ""
            let who = entry.actor.map { " \($0)\(level)" } ?? ""
            let detail = messageBodies || !messageBodyActions.contains(entry.action) ? entry.detail : "(\(entry.action): message text not included)"
            lines.append("    \(time(entry.at)) [\(entry.cause)]\(who): \(detail)")
        }
        return lines.joined(separator: "\n")
    }
}
