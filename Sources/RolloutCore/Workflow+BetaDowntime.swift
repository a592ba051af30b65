import Foundation

/// Step 5 of the procedure with a registry: an EA team puts its beta service into a GOCDB downtime while it tests, and
/// must end it when the release reaches Production. When the registry answers, it is authoritative (what was mailed with
/// `downtime on|off` is overwritten); when it cannot be asked, the last known state stays and nothing else changes.
extension Run {
    mutating func applyBetaDowntimes(_ check: BetaDowntimeCheck) {
        guard decision.state.rollout != nil else { return }
        let ticket = rollout.id
        if let observed = check.observed {
            for team in BetaDowntimeCheck.teamsToAsk(in: rollout) {
                let seen = observed[team] ?? BetaDowntimeObservation(inDowntime: false)
                guard let assignment = rollout.assignment(of: team), assignment.downtime != seen.inDowntime else { continue }
                rollout.update(team) { $0.downtime = seen.inDowntime }
                let listed = seen.downtimes.isEmpty ? "" : ": " + seen.downtimes.joined(separator: "; ")
                record(ticket, .teamDowntime, "GOCDB beta downtime of \(team) \(seen.inDowntime ? "on" : "off"), as GOCDB lists\(listed)")
            }
        }
        var reminders = check.remindersSent
        // Reminders only from the timer (not from each `downtimes check` by hand), and only on what GOCDB said now.
        if isInProduction, check.fired != nil, let observed = check.observed {
            for assignment in rollout.activeTeams where assignment.downtime {
                let team = assignment.team
                let sent = reminders[team] ?? 0
                let facts: [NoticeFact: String] = [
                    .downtimes: (observed[team]?.downtimes ?? []).map { "    \($0)" }.joined(separator: "\n"), .reminders: String(sent),
                ]
                if sent < policy.downtimeReminderLimit {
                    notify(.downtimeReminder, ticket: ticket, team: team, facts: facts)
                    record(ticket, .teamDowntimeReminder, "\(team) reminded to end its GOCDB beta downtime (reminder \(sent + 1) of \(policy.downtimeReminderLimit))")
                } else if sent == policy.downtimeReminderLimit {
                    notify(.downtimeOverdue, ticket: ticket, team: team, facts: facts)
                    record(ticket, .teamDowntimeOverdue, "\(team) still in its GOCDB beta downtime after \(sent) reminders; managers told, no more reminders")
                }
                reminders[team] = sent + 1
            }
        }
        scheduleBetaDowntimeCheck(reminders: reminders)
    }

    /// Released to production (resolved with ACCEPT): from now on a beta downtime should end.
    var isInProduction: Bool { rollout.status == .resolved && rollout.outcome == .accept }

    /// Sets or clears the rollout's registry check: every `betaDowntimeCheckMinutes` while the rollout is open and a team
    /// has accepted (or is recorded in a downtime); once a working day after Production while a team still in its beta
    /// downtime has reminders left (`reminders`: those sent so far, this decision's included); never otherwise, and
    /// never without a registry.
    mutating func scheduleBetaDowntimeCheck(reminders: [TeamName: Int]) {
        guard let minutes = policy.betaDowntimeCheckMinutes else { return }
        let key = TimerKey(ticket: rollout.id, kind: .betaDowntimeCheck)
        if rollout.status != .resolved, !BetaDowntimeCheck.teamsToAsk(in: rollout).isEmpty {
            decision.timers.append(.schedule(key, at: now.addingTimeInterval(TimeInterval(minutes * 60))))
        } else if isInProduction,
            rollout.activeTeams.contains(where: { $0.downtime && (reminders[$0.team] ?? 0) <= policy.downtimeReminderLimit })
        {
            decision.timers.append(.schedule(key, at: policy.calendar.adding(workingDays: 1, to: now)))
        } else {
            decision.timers.append(.cancel(key))
        }
    }

    /// A team accepted: the registry is asked at the next `tick` (and then every `betaDowntimeCheckMinutes`).
    mutating func armBetaDowntimeCheckNow() {
        guard policy.betaDowntimeCheckMinutes != nil else { return }
        decision.timers.append(.schedule(TimerKey(ticket: rollout.id, kind: .betaDowntimeCheck), at: now))
    }
}
