import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "List and show tickets.", subcommands: [List.self, Show.self])

    static func encoder() -> JSONEncoder { TicketViewJSON.encoder() }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every ticket.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await guarded {
                let environment = try Environment(options, label: "tickets list")
                let tickets = try await environment.store.ticketSummaries()
                if json {
                    print(String(decoding: try TicketsCommand.encoder().encode(tickets), as: UTF8.self))
                    return
                }
                for ticket in tickets {
                    print("#\(ticket.id)\t\(ticket.queue)\t\(ticket.status)\t\(ticket.title)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a ticket: teams, answers, deadlines, timers, history.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print JSON (schema in the README).") var json = false
        @Argument(help: "The ticket's number.") var ticket: Int

        func run() async throws {
            try await guarded {
                let environment = try Environment(options, label: "tickets show")
                let view = try await environment.gateway.view(of: TicketID(ticket))
                if json {
                    print(String(decoding: try TicketsCommand.encoder().encode(view), as: UTF8.self))
                } else {
                    print(TicketText.render(view, calendar: environment.configuration.workflow.policy.calendar))
                }
            }
        }
    }
}

/// The human-readable form of `tickets show`.
enum TicketText {
    static func render(_ view: TicketView, calendar: BusinessCalendar) -> String {
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
            lines.append("    \(time(entry.at)) [\(entry.cause)]\(who): \(entry.detail)")
        }
        return lines.joined(separator: "\n")
    }
}
