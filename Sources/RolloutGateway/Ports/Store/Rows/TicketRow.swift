import Foundation
import RolloutCore

/// A row of `tickets` (a release ticket or a staged rollout) as both SQL drivers keep it — a GRDB record on SQLite
/// read by position from a SELECT of ``CodingKeys`` in their order (every message loads its ticket), the same coding
/// keys on PostgreSQL — and made into the core's values in one place: a queue, status or outcome this version does
/// not know is an error, and so is a NULL where the ticket's queue needs a value (a release's owner, a rollout's
/// parent), never a default.
public struct TicketRow: Codable, Sendable, Equatable {
    public static let table = "tickets"

    public var id: Int
    public var queue: String
    public var status: String
    public var stack: String
    public var component: String?
    public var version: String
    public var os: String?
    public var arch: String?
    public var releaseNotes: String
    public var fixedBugs: String
    public var documentation: String
    public var owner: String?
    public var parentID: Int?
    public var childID: Int?
    public var outcome: String?
    public var documentID: String?
    public var summary: String?
    public var escalationDueAt: Date?
    public var escalationsSent: Int
    public var lastEscalationAt: Date?
    public var allReportsAnnounced: Bool
    public var createdAt: Date
    public var rowVersion: Int

    public init(
        id: Int, queue: String, status: String, stack: String, component: String?, version: String, os: String?, arch: String?,
        releaseNotes: String, fixedBugs: String, documentation: String, owner: String?, parentID: Int?, childID: Int?,
        outcome: String?, documentID: String?, summary: String?, escalationDueAt: Date?, escalationsSent: Int,
        lastEscalationAt: Date?, allReportsAnnounced: Bool, createdAt: Date, rowVersion: Int
    ) {
        self.id = id
        self.queue = queue
        self.status = status
        self.stack = stack
        self.component = component
        self.version = version
        self.os = os
        self.arch = arch
        self.releaseNotes = releaseNotes
        self.fixedBugs = fixedBugs
        self.documentation = documentation
        self.owner = owner
        self.parentID = parentID
        self.childID = childID
        self.outcome = outcome
        self.documentID = documentID
        self.summary = summary
        self.escalationDueAt = escalationDueAt
        self.escalationsSent = escalationsSent
        self.lastEscalationAt = lastEscalationAt
        self.allReportsAnnounced = allReportsAnnounced
        self.createdAt = createdAt
        self.rowVersion = rowVersion
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case queue
        case status
        case stack
        case component
        case version
        case os
        case arch
        case releaseNotes = "release_notes"
        case fixedBugs = "fixed_bugs"
        case documentation
        case owner
        case parentID = "parent_id"
        case childID = "child_id"
        case outcome
        case documentID = "document_id"
        case summary
        case escalationDueAt = "escalation_due_at"
        case escalationsSent = "escalations_sent"
        case lastEscalationAt = "last_escalation_at"
        case allReportsAnnounced = "all_reports_announced"
        case createdAt = "created_at"
        case rowVersion = "row_version"
    }

    /// The columns read, in the order of ``CodingKeys``: `SELECT \(selection) FROM tickets …`.
    public static let selection = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")

    /// The queue the ticket is in.
    public func storedQueue() throws -> Queue {
        try Queue(stored: queue, table: Self.table, column: CodingKeys.queue.rawValue)
    }

    /// The release ticket this row holds (a row of the release queue).
    public func releaseTicket() throws -> ReleaseTicket {
        ReleaseTicket(
            id: TicketID(id), release: componentRelease, links: links,
            status: try ReleaseStatus(stored: status, table: Self.table, column: CodingKeys.status.rawValue),
            owner: try required(owner, .owner), child: childID.map(TicketID.init),
            outcome: try .storedIfAny(outcome, table: Self.table, column: CodingKeys.outcome.rawValue), documentID: documentID,
            createdAt: createdAt)
    }

    /// The staged rollout this row holds (a row of the staged-rollout queue), with its teams and GGUS tickets, read
    /// from their own tables.
    public func stagedRollout(teams: [TeamAssignment], ggusTickets: [String]) throws -> StagedRolloutTicket {
        StagedRolloutTicket(
            id: TicketID(id), parent: TicketID(try required(parentID, .parentID)), release: componentRelease, links: links,
            status: try RolloutStatus(stored: status, table: Self.table, column: CodingKeys.status.rawValue), teams: teams,
            outcome: try .storedIfAny(outcome, table: Self.table, column: CodingKeys.outcome.rawValue), documentID: documentID,
            summary: summary, ggusTickets: ggusTickets, escalationDueAt: escalationDueAt, escalationsSent: escalationsSent,
            lastEscalationAt: lastEscalationAt, allReportsAnnounced: allReportsAnnounced, createdAt: createdAt)
    }

    /// The line of `rollout-gateway list` this row makes; its status checked against its queue's statuses.
    public func ticketSummary() throws -> TicketSummary {
        let queue = try storedQueue()
        let status: String =
            switch queue {
            case .release: try ReleaseStatus(stored: status, table: Self.table, column: CodingKeys.status.rawValue).rawValue
            case .stagedRollout: try RolloutStatus(stored: status, table: Self.table, column: CodingKeys.status.rawValue).rawValue
            }
        return TicketSummary(
            id: id, queue: queue.rawValue, status: status,
            title: queue == .release ? TicketTitle.release(componentRelease) : TicketTitle.stagedRollout(componentRelease),
            parent: parentID, child: childID)
    }

    private var componentRelease: ComponentRelease {
        ComponentRelease(stack: stack, component: component, version: version, os: os, architecture: arch)
    }

    private var links: ReleaseLinks {
        ReleaseLinks(releaseNotes: releaseNotes, fixedBugs: fixedBugs, documentation: documentation)
    }

    private func required<Value>(_ value: Value?, _ column: CodingKeys) throws -> Value {
        try value.storedRequired(table: Self.table, column: column.rawValue)
    }
}
