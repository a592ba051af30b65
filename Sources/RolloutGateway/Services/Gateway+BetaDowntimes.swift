import Foundation
import RolloutCore

extension Gateway {
    /// What `downtimes check` did.
    public struct BetaDowntimeReport: Sendable {
        /// Rollouts whose teams' beta downtimes were asked for.
        public var checked: [TicketID] = []
        /// Beta downtimes that changed (history entries recorded).
        public var changed = 0
        /// Sites the registry could not be asked about.
        public var registryFailures: [String] = []
    }

    /// `downtimes check`: asks the registry now about every rollout whose teams' beta downtimes matter (open with a
    /// team that accepted, or released with a team still in its downtime), and records what changed, each rollout in its
    /// own commit — the same decision the check timer makes, without its reminders.
    public func checkBetaDowntimes() async throws -> BetaDowntimeReport {
        guard let probe = betaDowntimeProbe else { throw GatewayError.invalidInput("no gocdb: section in the configuration") }
        var report = BetaDowntimeReport()
        for summary in try await store.ticketSummaries() {
            guard let stored = try await store.load(TicketID(summary.id)), let rollout = stored.rolloutCase.rollout,
                rollout.id.rawValue == summary.id, !BetaDowntimeCheck.teamsToAsk(in: rollout).isEmpty,
                rollout.status != .resolved || rollout.activeTeams.contains(where: \.downtime)
            else { continue }
            var registryFailure: BetaDowntimeProbe.Failure?
            let event = try await decideAndCommit(rollout.id, cause: .operatorAction("downtimes check"), preloaded: stored) { stored in
                let (check, failure) = try await betaDowntimeCheck(of: stored, fired: nil, probe: probe, at: clock.now())
                registryFailure = failure
                return .betaDowntimes(check)
            }
            report.checked.append(rollout.id)
            report.changed += event.state.rollout.map { after in
                zip(rollout.teams, after.teams).filter { $0.downtime != $1.downtime }.count
            } ?? 0
            if let registryFailure { report.registryFailures.append(registryFailure.site) }
        }
        logRegistryFailures(report.registryFailures)
        return report
    }

    /// The registry's answer for a rollout's teams, with the reminders each has had (from the history). When the
    /// registry cannot be asked, the check carries no observation (the last known state stays) and the failure.
    func betaDowntimeCheck(
        of stored: StoredCase, fired: TimerKey?, probe: BetaDowntimeProbe, at now: Date
    ) async throws -> (BetaDowntimeCheck, BetaDowntimeProbe.Failure?) {
        guard let rollout = stored.rolloutCase.rollout else { return (BetaDowntimeCheck(fired: fired, observed: nil), nil) }
        var reminders: [TeamName: Int] = [:]
        for entry in try await store.history(of: rollout.id)
        where entry.action == .teamDowntimeReminder || entry.action == .teamDowntimeOverdue {
            // Both entries begin with the team's name (Workflow+BetaDowntime, Workflow+Rollout).
            if let team = TeamName(String(entry.detail.prefix { $0 != " " })) { reminders[team, default: 0] += 1 }
        }
        let calendar = configuration.workflow.policy.calendar
        do {
            let observed = try await probe.observe(BetaDowntimeCheck.teamsToAsk(in: rollout), at: now, describe: calendar.describe)
            return (BetaDowntimeCheck(fired: fired, observed: observed, remindersSent: reminders), nil)
        } catch let failure as BetaDowntimeProbe.Failure {
            return (BetaDowntimeCheck(fired: fired, observed: nil, remindersSent: reminders), failure)
        }
    }

    /// One line for all the sites the registry could not be asked about in a run.
    func logRegistryFailures(_ sites: [String]) {
        guard !sites.isEmpty else { return }
        logger.warning(
            "GOCDB could not be asked; the last known beta downtimes stay",
            metadata: ["sites": "\(Array(Set(sites)).sorted().joined(separator: ","))", "failures": "\(sites.count)"])
    }
}
