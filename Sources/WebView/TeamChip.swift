import Foundation
import RolloutGateway

/// One team of a rollout as the pages show it: assigned (answer not yet due), accepted, rejected, no answer (due and
/// not given: overdue), unassigned; an accepted team whose testing time is over without a report is overdue too.
/// Nothing is overdue on a resolved rollout.
struct TeamChip {
    var team: String
    /// The CSS class: `assigned`, `accepted`, `rejected`, `no-answer`, `unassigned`.
    var state: String
    var label: String
    var overdue: Bool

    init(_ team: TicketView.Team, now: Date, open: Bool) {
        self.team = team.team
        switch (team.unassignedAt, team.answer) {
        case (.some, _):
            (state, label, overdue) = ("unassigned", "unassigned", false)
        case (nil, "accepted"?):
            let late = open && team.report == nil && (team.testingMaximumEnd.map { $0 < now } ?? false)
            (state, label, overdue) = ("accepted", team.report == nil ? "accepted" : "accepted, report in", late)
        case (nil, "rejected"?):
            (state, label, overdue) = ("rejected", "rejected", false)
        default:
            let late = open && team.answerDeadline < now
            (state, label, overdue) = late ? ("no-answer", "no answer", true) : ("assigned", "assigned", false)
        }
    }

    var values: [String: Any] { ["team": team, "state": state, "label": label, "overdue": overdue] }
}
