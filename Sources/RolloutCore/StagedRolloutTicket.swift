import Foundation

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
    /// When the last escalation went, by hand or by the timer: at most one goes per working day.
    public var lastEscalationAt: Date?
    /// Whether the managers were told that all accepted teams reported.
    public var allReportsAnnounced: Bool
    public var createdAt: Date

    public init(
        id: TicketID, parent: TicketID, release: ComponentRelease, links: ReleaseLinks, status: RolloutStatus = .new,
        teams: [TeamAssignment] = [], outcome: Outcome? = nil, documentID: String? = nil, summary: String? = nil,
        ggusTickets: [String] = [], escalationDueAt: Date? = nil, escalationsSent: Int = 0,
        lastEscalationAt: Date? = nil, allReportsAnnounced: Bool = false, createdAt: Date
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
        self.lastEscalationAt = lastEscalationAt
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
