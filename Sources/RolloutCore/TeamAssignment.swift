import Foundation

/// One EA team on a staged-rollout ticket: when it was asked, its answer, deadlines, downtime and report.
public struct TeamAssignment: Sendable, Equatable {
    public var team: TeamName
    public var assignedAt: Date
    /// True when the team volunteered (answered an escalation) rather than being assigned.
    public var volunteered: Bool
    /// The acknowledgement deadline: one working day after assignment.
    public var answerDeadline: Date
    public var answer: TeamAnswer?
    public var answeredAt: Date?
    public var answeredBy: EmailAddress?
    /// End of the minimum testing period (set on accept).
    public var testingMinimumEnd: Date?
    /// End of the maximum testing period, extensions included (set on accept).
    public var testingMaximumEnd: Date?
    /// Days added by `extend`.
    public var extendedDays: Int
    /// Whether the team reported its service in a GOCDB "beta" downtime.
    public var downtime: Bool
    /// File name of the report, once a well-named one arrived.
    public var report: String?
    public var reportedAt: Date?
    public var unassignedAt: Date?

    public init(
        team: TeamName, assignedAt: Date, volunteered: Bool = false, answerDeadline: Date, answer: TeamAnswer? = nil,
        answeredAt: Date? = nil, answeredBy: EmailAddress? = nil, testingMinimumEnd: Date? = nil,
        testingMaximumEnd: Date? = nil, extendedDays: Int = 0, downtime: Bool = false, report: String? = nil,
        reportedAt: Date? = nil, unassignedAt: Date? = nil
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

    /// Assigned and not taken off the ticket.
    public var isActive: Bool { unassignedAt == nil }
    public var hasAccepted: Bool { isActive && answer == .accepted }
}
