import Foundation
import RolloutCore

/// A row of `ticket_teams` (a team on a staged rollout) as both SQL drivers keep it, read by column name — a GRDB
/// record on SQLite, the same coding keys on PostgreSQL (``CodingKeys`` are the column names) — and made into the
/// core's value in one place (``assignment()``): a team or answer this version does not know is an error.
public struct TeamRow: Codable, Sendable, Equatable {
    public static let table = "ticket_teams"

    public var team: String
    public var assignedAt: Date
    public var volunteered: Bool
    public var answerDeadline: Date
    public var answer: String?
    public var answeredAt: Date?
    public var answeredBy: String?
    public var testingMinimumEnd: Date?
    public var testingMaximumEnd: Date?
    public var extendedDays: Int
    public var downtime: Bool
    public var report: String?
    public var reportedAt: Date?
    public var unassignedAt: Date?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case team
        case assignedAt = "assigned_at"
        case volunteered
        case answerDeadline = "answer_deadline"
        case answer
        case answeredAt = "answered_at"
        case answeredBy = "answered_by"
        case testingMinimumEnd = "testing_minimum_end"
        case testingMaximumEnd = "testing_maximum_end"
        case extendedDays = "extended_days"
        case downtime
        case report
        case reportedAt = "reported_at"
        case unassignedAt = "unassigned_at"
    }

    /// The columns of ``CodingKeys`` in their order, for a read by position.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    public init(
        team: String, assignedAt: Date, volunteered: Bool, answerDeadline: Date, answer: String?, answeredAt: Date?,
        answeredBy: String?, testingMinimumEnd: Date?, testingMaximumEnd: Date?, extendedDays: Int, downtime: Bool,
        report: String?, reportedAt: Date?, unassignedAt: Date?
    ) {
        self.team = team
        self.assignedAt = assignedAt
        self.volunteered = volunteered
        self.answerDeadline = answerDeadline
        self.answer = answer
        self.answeredAt = answeredAt
        self.answeredBy = answeredBy
        self.testingMinimumEnd = testingMinimumEnd
        self.testingMaximumEnd = testingMaximumEnd
        self.extendedDays = extendedDays
        self.downtime = downtime
        self.report = report
        self.reportedAt = reportedAt
        self.unassignedAt = unassignedAt
    }

    /// The team's assignment this row holds.
    public func assignment() throws -> TeamAssignment {
        TeamAssignment(
            team: try TeamName(stored: team, table: Self.table, column: CodingKeys.team.rawValue), assignedAt: assignedAt,
            volunteered: volunteered, answerDeadline: answerDeadline,
            answer: try .storedIfAny(answer, table: Self.table, column: CodingKeys.answer.rawValue), answeredAt: answeredAt,
            answeredBy: answeredBy.map(EmailAddress.init), testingMinimumEnd: testingMinimumEnd, testingMaximumEnd: testingMaximumEnd,
            extendedDays: extendedDays, downtime: downtime, report: report, reportedAt: reportedAt, unassignedAt: unassignedAt)
    }
}
