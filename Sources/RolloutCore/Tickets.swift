import Foundation

/// Links every release carries (SPEC §3): release notes, fixed bugs, documentation.
public struct ReleaseLinks: Hashable, Sendable, Codable {
    public var releaseNotes: String
    public var fixedBugs: String
    public var documentation: String

    public init(releaseNotes: String, fixedBugs: String, documentation: String) {
        self.releaseNotes = releaseNotes
        self.fixedBugs = fixedBugs
        self.documentation = documentation
    }
}

/// The staged rollout's decision on a release.
public enum Outcome: String, Sendable, Codable, Equatable {
    case accept = "ACCEPT"
    case reject = "REJECT"
}

/// Status of a release ticket (queue `sw-rel`).
public enum ReleaseStatus: String, Sendable, Codable, CaseIterable {
    case inVerification = "InVerification"
    case stageRollOut = "StageRollOut"
    /// Released to production after an accepted rollout.
    case production = "Production"
    /// The rollout rejected the release.
    case rejected = "Rejected"
}

/// Status of a staged-rollout ticket.
public enum RolloutStatus: String, Sendable, Codable, CaseIterable {
    case new, open, resolved
}

/// A release ticket in queue `sw-rel`.
public struct ReleaseTicket: Sendable, Equatable {
    public var id: TicketID
    public var release: ComponentRelease
    public var links: ReleaseLinks
    public var status: ReleaseStatus
    /// `sw-rel` normally, `sw-rel-sr` while the staged rollout owns it.
    public var owner: String
    public var child: TicketID?
    public var outcome: Outcome?
    public var documentID: String?
    public var createdAt: Date

    public init(
        id: TicketID, release: ComponentRelease, links: ReleaseLinks, status: ReleaseStatus = .inVerification,
        owner: String = "sw-rel", child: TicketID? = nil, outcome: Outcome? = nil, documentID: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.release = release
        self.links = links
        self.status = status
        self.owner = owner
        self.child = child
        self.outcome = outcome
        self.documentID = documentID
        self.createdAt = createdAt
    }

    public var title: String { TicketTitle.release(release) }
}

/// A team's answer to its assignment.
public enum TeamAnswer: String, Sendable, Codable, Equatable {
    case accepted, rejected
}

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

/// A staged-rollout ticket in queue `staged-rollout`, child of a release ticket.
public struct StagedRolloutTicket: Sendable, Equatable {
    public var id: TicketID
    public var parent: TicketID
    public var release: ComponentRelease
    public var links: ReleaseLinks
    public var status: RolloutStatus
    public var teams: [TeamAssignment]
    public var outcome: Outcome?
    public var documentID: String?
    public var summary: String?
    public var ggusTickets: [String]
    /// When the next escalation is due, while one is scheduled.
    public var escalationDueAt: Date?
    public var escalationsSent: Int
    /// Whether the managers were told that all accepted teams reported.
    public var allReportsAnnounced: Bool
    public var createdAt: Date

    public init(
        id: TicketID, parent: TicketID, release: ComponentRelease, links: ReleaseLinks, status: RolloutStatus = .new,
        teams: [TeamAssignment] = [], outcome: Outcome? = nil, documentID: String? = nil, summary: String? = nil,
        ggusTickets: [String] = [], escalationDueAt: Date? = nil, escalationsSent: Int = 0,
        allReportsAnnounced: Bool = false, createdAt: Date
    ) {
        self.id = id
        self.parent = parent
        self.release = release
        self.links = links
        self.status = status
        self.teams = teams
        self.outcome = outcome
        self.documentID = documentID
        self.summary = summary
        self.ggusTickets = ggusTickets
        self.escalationDueAt = escalationDueAt
        self.escalationsSent = escalationsSent
        self.allReportsAnnounced = allReportsAnnounced
        self.createdAt = createdAt
    }

    public var title: String { TicketTitle.stagedRollout(release) }

    /// The assignment of a team still on the ticket.
    public func assignment(of team: TeamName) -> TeamAssignment? {
        teams.first { $0.team == team && $0.isActive }
    }

    mutating func update(_ team: TeamName, _ change: (inout TeamAssignment) -> Void) {
        guard let index = teams.firstIndex(where: { $0.team == team && $0.isActive }) else { return }
        change(&teams[index])
    }

    public var activeTeams: [TeamAssignment] { teams.filter(\.isActive) }
    public var acceptedTeams: [TeamAssignment] { teams.filter(\.hasAccepted) }
}

/// A release ticket together with its staged-rollout child, when it has one: the state the rules engine decides on.
public struct RolloutCase: Sendable, Equatable {
    public var release: ReleaseTicket
    public var rollout: StagedRolloutTicket?

    public init(release: ReleaseTicket, rollout: StagedRolloutTicket? = nil) {
        self.release = release
        self.rollout = rollout
    }
}
