import Foundation
import RolloutCore

/// The open staged rollouts of a manager's stacks, as a manager's `show` with no ticket is answered (issue 21): per
/// rollout its teams and answers, deadlines, escalations sent, reports in and expected, beta downtimes on, and what it
/// waits for (``RolloutProgress``).
public struct RolloutOverview: Sendable {
    public var rollouts: [StagedRolloutTicket]
    public var now: Date
    public var calendar: BusinessCalendar

    public init(rollouts: [StagedRolloutTicket], now: Date, calendar: BusinessCalendar) {
        self.rollouts = rollouts
        self.now = now
        self.calendar = calendar
    }

    public var text: String {
        guard !rollouts.isEmpty else { return "No staged rollout of your stacks is open." }
        return rollouts.map(paragraph).joined(separator: "\n\n")
    }

    /// One rollout.
    func paragraph(_ rollout: StagedRolloutTicket) -> String {
        let progress = RolloutProgress(rollout: rollout, now: now)
        let describe = calendar.describe
        var lines = ["#\(rollout.id.rawValue) \(rollout.title) (\(rollout.status.rawValue), since \(describe(rollout.createdAt)))"]
        for team in rollout.activeTeams {
            var parts = [team.answer?.rawValue ?? "no answer yet, due \(describe(team.answerDeadline))"]
            if team.answer == nil, team.answerDeadline < now { parts.append("OVERDUE") }
            if let end = team.testingMaximumEnd, team.hasAccepted { parts.append("testing until \(describe(end))") }
            if team.hasAccepted { parts.append(team.report.map { "report \($0)" } ?? "no report yet") }
            if progress.overdueReports.contains(where: { $0.team == team.team }) { parts.append("REPORT OVERDUE") }
            if team.downtime { parts.append("beta downtime on") }
            lines.append("  \(team.team): \(parts.joined(separator: "; "))")
        }
        lines.append("  escalations sent: \(rollout.escalationsSent)" + (rollout.escalationDueAt.map { "; next \(describe($0))" } ?? ""))
        let reports = progress.reports
        lines.append("  reports: \(reports.received)/\(reports.expected)")
        let downtimes = progress.downtimesOn.map(\.team.description)
        if !downtimes.isEmpty { lines.append("  beta downtimes on: \(downtimes.joined(separator: ", "))") }
        for waiting in progress.waitingFor(describe: describe) { lines.append("  waits for \(waiting)") }
        return lines.joined(separator: "\n")
    }
}

extension Gateway {
    /// The open staged rollouts (not resolved) of the stacks `manager` manages, oldest first.
    public func openRollouts(managedBy manager: EmailAddress) async throws -> [StagedRolloutTicket] {
        let registry = configuration.workflow.registry
        var rollouts: [StagedRolloutTicket] = []
        for summary in try await store.ticketSummaries() where summary.queue == Queue.stagedRollout.rawValue {
            guard summary.status != RolloutStatus.resolved.rawValue,
                let rollout = try await store.load(TicketID(summary.id))?.rolloutCase.rollout,
                registry.isManager(manager, ofStack: rollout.release.stack)
            else { continue }
            rollouts.append(rollout)
        }
        return rollouts.sorted { $0.id.rawValue < $1.id.rawValue }
    }
}
