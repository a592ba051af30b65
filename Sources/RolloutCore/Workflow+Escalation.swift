import Foundation

/// One escalation per ticket per working day (SPEC §4 step 4): by hand with `escalate` or by the timer, whichever
/// goes first; the other waits for the next working day.
extension Run {
    /// When the next escalation of the rollout may go: the start of working hours of the first working day after
    /// the calendar day of the last one (one sent on a Saturday or after hours counts for that day: the next goes
    /// on the next working day). Nil when none was sent yet.
    var nextEscalationAllowedAt: Date? {
        guard let last = rollout.lastEscalationAt else { return nil }
        let calendar = policy.calendar
        var day = calendar.next(calendar.day(of: last))
        // A year of days bounds a calendar with no working days at all.
        var skipped = 0
        while !calendar.isWorkingDay(day), skipped < 366 {
            day = calendar.next(day)
            skipped += 1
        }
        return calendar.at(day, minutes: calendar.workStart)
    }

    /// Why no escalation may go at `now`, saying when the last one went and when the next can; nil when one may.
    var escalationWaitReason: String? {
        guard let last = rollout.lastEscalationAt, let next = nextEscalationAllowedAt, now < next else { return nil }
        let calendar = policy.calendar
        let when =
            calendar.day(of: last) == calendar.day(of: now)
            ? "today at \(timeOfDay(last))"
            : "on \(describe(last))"
        return "an escalation was sent \(when); one escalation per working day: the next can go from \(describe(next))"
    }

    /// `10:14`: the wall-clock time of `date` in the business calendar's zone.
    private func timeOfDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.calendar.timeZone
        let time = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", time.hour ?? 0, time.minute ?? 0)
    }

    /// `escalate`: sends the escalation now, unless one already went this working day.
    mutating func escalateByHand(_ sender: Sender) -> Result<String, Refusal> {
        if case .failure(let refusal) = mustManage(sender, .escalate).flatMap({ mustBeOpen(.escalate) }) { return .failure(refusal) }
        if let wait = escalationWaitReason { return .failure(.nothingToDo(wait)) }
        sendEscalation(manual: true)
        return .success("escalation \(rollout.escalationsSent) sent to the managers and the EA lists of \(stack)")
    }

    /// The escalation timer fired on a working day that already had an escalation (sent by hand): it goes on the
    /// next working day instead. Returns whether it was put off.
    mutating func putOffEscalationSentToday() -> Bool {
        guard escalationWaitReason != nil, let next = nextEscalationAllowedAt else { return false }
        rollout.escalationDueAt = next
        decision.timers.append(.schedule(TimerKey(ticket: rollout.id, kind: .escalation), at: next))
        record(
            rollout.id, .escalationPostponed,
            "an escalation was already sent on \(describe(rollout.lastEscalationAt!)); the next is due \(describe(next))")
        return true
    }
}
