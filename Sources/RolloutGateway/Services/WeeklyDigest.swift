import Foundation
import RolloutCore

/// The managers' weekly digest (issue 21 #3): for one manager, what of their stacks needs them — overdue answers and
/// reports, what each open rollout waits for (all reports in, summary or document ID missing, ready to resolve), and
/// teams still in a beta downtime after the release went to Production. Nothing to say, no digest.
public struct WeeklyDigest: Sendable {
    /// Open rollouts of the manager's stacks.
    public var open: [StagedRolloutTicket]
    /// Resolved rollouts whose release is in Production with a team still in a beta downtime.
    public var downtimesAfterProduction: [StagedRolloutTicket]
    public var now: Date
    public var calendar: BusinessCalendar

    /// Whether there is anything to send.
    public var isEmpty: Bool { open.isEmpty && downtimesAfterProduction.isEmpty }

    public var text: String {
        let progress = open.map { RolloutProgress(rollout: $0, now: now) }
        var lines = [
            "Your staged rollouts this week:",
            "  open: \(open.count)",
            "  overdue answers: \(progress.map(\.overdueAnswers.count).reduce(0, +))",
            "  overdue reports: \(progress.map(\.overdueReports.count).reduce(0, +))",
            "  waiting for you: \(progress.filter(\.waitsForManagers).count)",
            "",
        ]
        if !open.isEmpty {
            lines.append(RolloutOverview(rollouts: open, now: now, calendar: calendar).text)
            lines.append("")
        }
        if !downtimesAfterProduction.isEmpty {
            lines.append("Teams still in a GOCDB \"beta\" downtime although the release is in Production:")
            for rollout in downtimesAfterProduction {
                let teams = RolloutProgress(rollout: rollout, now: now).downtimesOn.map(\.team.description)
                lines.append("  #\(rollout.id.rawValue) \(rollout.title): \(teams.joined(separator: ", "))")
            }
            lines.append("")
        }
        lines.append("Reply to a ticket's notification with show for its whole state, bundle for its reports.")
        return lines.joined(separator: "\n")
    }
}

extension Gateway {
    /// The digest of one manager at `now`.
    public func weeklyDigest(for manager: EmailAddress, now: Date) async throws -> WeeklyDigest {
        let registry = configuration.workflow.registry
        var open: [StagedRolloutTicket] = []
        var leftovers: [StagedRolloutTicket] = []
        for summary in try await store.ticketSummaries() where summary.queue == Queue.stagedRollout.rawValue {
            guard let rollouts = try await store.load(TicketID(summary.id))?.rolloutCase, let rollout = rollouts.rollout,
                registry.isManager(manager, ofStack: rollout.release.stack)
            else { continue }
            if rollout.status != .resolved {
                open.append(rollout)
            } else if rollouts.release.status == .production, rollout.activeTeams.contains(where: \.downtime) {
                leftovers.append(rollout)
            }
        }
        return WeeklyDigest(
            open: open.sorted { $0.id.rawValue < $1.id.rawValue }, downtimesAfterProduction: leftovers.sorted { $0.id.rawValue < $1.id.rawValue },
            now: now, calendar: configuration.workflow.policy.calendar)
    }

    /// What ``sendWeeklyDigests()`` did.
    public struct DigestReport: Sendable {
        public var sent: [EmailAddress] = []
        public var skipped: [EmailAddress] = []
    }

    /// Sends each manager the digest due now (``GatewayConfiguration/digest``), once: the manager's mark for that
    /// week (a seen-record keyed by the week and the address) and the digest's outbox row commit in one transaction,
    /// so that a crash between them sends it whole or not at all, and a second run (or instance) finds the mark.
    /// A manager with nothing open gets the mark and no mail.
    public func sendWeeklyDigests() async throws -> DigestReport {
        var report = DigestReport()
        guard let schedule = configuration.digest else { return report }
        let now = clock.now()
        let calendar = configuration.workflow.policy.calendar
        let due = schedule.latestDue(atOrBefore: now, in: calendar.timeZone)
        let week = calendar.day(of: due).description
        var managers: [EmailAddress] = []
        for stack in configuration.workflow.registry.stacks.keys.sorted() {
            for manager in configuration.workflow.registry.stacks[stack]!.managers where !managers.contains(manager) { managers.append(manager) }
        }
        for manager in managers {
            let key = Self.digestKey(week: week, manager: manager)
            if try await store.hasSeen(key) { continue }
            let digest = try await weeklyDigest(for: manager, now: now)
            let outbox = digest.isEmpty ? [] : [digestMessage(digest, to: manager, week: week, now: now)]
            let mark = SeenMessage(
                key: key, ticket: nil, sender: manager,
                disposition: .message(.applied, reason: digest.isEmpty ? "weekly digest \(week): nothing open, none sent" : "weekly digest \(week) sent"))
            do {
                try await store.recordSeen(mark, at: now, outbox: outbox)
            } catch StoreError.alreadySeen {
                continue  // another run sent it meanwhile
            }
            if digest.isEmpty { report.skipped.append(manager) } else { report.sent.append(manager) }
            logger.info("weekly digest", metadata: ["recipient": "\(manager)", "week": "\(week)", "action": "\(digest.isEmpty ? "skipped" : "sent")"])
        }
        return report
    }

    /// The mark of one manager's digest of one week (the day it was due).
    static func digestKey(week: String, manager: EmailAddress) -> String { "rg-weekly-digest \(week) \(manager.key)" }

    public func digestMessage(_ digest: WeeklyDigest, to manager: EmailAddress, week: String, now: Date) -> OutgoingMessage {
        let composer = renderer.composer
        let messageID = "rg.0.digest.\(week).\(MessageIDHash.fixedWidth(manager))@\(composer.domain)"
        let draft = MailComposer.Draft(
            to: [manager], subject: "Staged rollout weekly digest \(week): \(digest.open.count) open", body: digest.text,
            messageID: messageID, ticket: nil, date: now)
        return OutgoingMessage(
            messageID: messageID, ticket: nil, kind: .weeklyDigest, sender: composer.from, recipients: [manager],
            data: composer.compose(draft), createdAt: now)
    }
}
