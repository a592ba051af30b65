import Foundation

/// Where an open staged rollout stands at a moment, and what it waits for: what a manager's `show` (with no ticket)
/// and the weekly digest tell (issue 21). Pure: the rollout and the moment in, facts out.
public struct RolloutProgress: Sendable {
    public let rollout: StagedRolloutTicket
    public let now: Date

    public init(rollout: StagedRolloutTicket, now: Date) {
        self.rollout = rollout
        self.now = now
    }

    /// Active teams that have not answered by their deadline.
    public var overdueAnswers: [TeamAssignment] {
        rollout.activeTeams.filter { $0.answer == nil && $0.answerDeadline < now }
    }

    /// Accepted teams whose testing period has ended without a report.
    public var overdueReports: [TeamAssignment] {
        rollout.acceptedTeams.filter { team in team.report == nil && team.testingMaximumEnd.map { $0 < now } == true }
    }

    /// Active teams recorded in a GOCDB "beta" downtime.
    public var downtimesOn: [TeamAssignment] { rollout.activeTeams.filter(\.downtime) }

    /// Reports in, out of those expected (one per accepted team).
    public var reports: (received: Int, expected: Int) {
        (rollout.acceptedTeams.filter { $0.report != nil }.count, rollout.acceptedTeams.count)
    }

    /// Every accepted team has reported (and at least one accepted).
    public var allReportsIn: Bool { reports.expected > 0 && reports.received == reports.expected }

    /// Whether the rollout waits for its managers (rather than for the teams): all reports in, or every team answered
    /// and none accepted, or no team assigned.
    public var waitsForManagers: Bool {
        let active = rollout.activeTeams
        return active.isEmpty || allReportsIn || (active.allSatisfy { $0.answer != nil } && reports.expected == 0)
    }

    /// What the rollout waits for, in the order the procedure needs them, each a short sentence.
    public func waitingFor(describe: (Date) -> String) -> [String] {
        let active = rollout.activeTeams
        if active.isEmpty { return ["EA teams: none assigned (assign <NGI>-<Site-name> …)"] }
        var out: [String] = []
        let unanswered = active.filter { $0.answer == nil }
        if !unanswered.isEmpty {
            out.append("answers from " + unanswered.map { "\($0.team) (due \(describe($0.answerDeadline)))" }.joined(separator: ", "))
        }
        let unreported = rollout.acceptedTeams.filter { $0.report == nil }
        if !unreported.isEmpty {
            out.append(
                "reports from "
                    + unreported.map { team in "\(team.team)" + (team.testingMaximumEnd.map { " (testing until \(describe($0)))" } ?? "") }
                    .joined(separator: ", "))
        }
        if unanswered.isEmpty, reports.expected == 0 {
            out.append("the managers: no team accepted; assign other teams, or outcome reject and resolve")
        }
        guard allReportsIn else { return out }
        var closing: [String] = []
        if rollout.summary == nil { closing.append("the summary (summary-\(rollout.release.fileNameStem).odt)") }
        if rollout.outcome == nil { closing.append("outcome accept|reject") }
        if rollout.documentID == nil { closing.append("docid <document-server ID>") }
        out.append(
            closing.isEmpty
                ? "the managers: all reports are in, outcome and document ID set: ready to resolve"
                : "the managers: all reports are in (send bundle for them); missing: " + closing.joined(separator: ", "))
        return out
    }
}
