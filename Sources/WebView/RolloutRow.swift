import Foundation
import RolloutCore
import RolloutGateway

/// One line of the rollouts page (`/`), from the ticket's view.
struct RolloutRow {
    var view: TicketView
    var chips: [TeamChip]

    init(_ view: TicketView, now: Date) {
        self.view = view
        let open = view.status != RolloutStatus.resolved.rawValue
        chips = view.teams.map { TeamChip($0, now: now, open: open) }
    }

    var isOpen: Bool { view.status != RolloutStatus.resolved.rawValue }

    /// The reports in, and the reports expected (one per team that accepted and is still assigned).
    var reports: (received: Int, expected: Int) {
        let accepted = view.teams.filter { $0.unassignedAt == nil && $0.answer == TeamAnswer.accepted.rawValue }
        return (accepted.filter { $0.report != nil }.count, accepted.count)
    }

    func values(calendar: BusinessCalendar, now: Date) -> [String: Any] {
        let release = view.release
        let next = view.timers.map(\.dueAt).min()
        let opened = view.history.first?.at ?? now
        return [
            "id": view.id, "status": view.status,
            "release": [release.stack, release.component, release.version].compactMap { $0 }.joined(separator: " "),
            "stack": release.stack, "teams": chips.map(\.values),
            "nextDeadline": next.map(calendar.describe) ?? "-", "escalations": view.escalation?.sent ?? 0,
            "reportsIn": reports.received, "reportsExpected": reports.expected, "age": Self.age(from: opened, to: now),
        ]
    }

    /// `3 d`, `5 h`, `12 min`.
    static func age(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(start)))
        if seconds >= 86_400 { return "\(seconds / 86_400) d" }
        if seconds >= 3600 { return "\(seconds / 3600) h" }
        return "\(seconds / 60) min"
    }
}
