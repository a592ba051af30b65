import Foundation
import RolloutCore

/// A ticket as `tickets show --json` prints it. The schema is documented in the README; fields are only added.
public struct TicketView: Codable, Sendable {
    public struct Release: Codable, Sendable {
        public var id: Int
        public var title: String
        public var status: String
        public var owner: String
        public var stack: String
        @NullWhenAbsent public var component: String?
        public var version: String
        @NullWhenAbsent public var os: String?
        @NullWhenAbsent public var arch: String?
        public var links: Links
        @NullWhenAbsent public var outcome: String?
        @NullWhenAbsent public var documentId: String?
    }

    public struct Links: Codable, Sendable {
        public var releaseNotes: String
        public var fixedBugs: String
        public var documentation: String
    }

    public struct Team: Codable, Sendable {
        public var team: String
        public var assignedAt: Date
        public var volunteered: Bool
        public var answerDeadline: Date
        @NullWhenAbsent public var answer: String?
        @NullWhenAbsent public var answeredAt: Date?
        @NullWhenAbsent public var answeredBy: String?
        @NullWhenAbsent public var testingMinimumEnd: Date?
        @NullWhenAbsent public var testingMaximumEnd: Date?
        public var extendedDays: Int
        public var downtime: Bool
        @NullWhenAbsent public var report: String?
        @NullWhenAbsent public var reportedAt: Date?
        @NullWhenAbsent public var unassignedAt: Date?
    }

    public struct Timer: Codable, Sendable {
        public var kind: String
        @NullWhenAbsent public var team: String?
        public var dueAt: Date
    }

    public struct Attachment: Codable, Sendable {
        public var fileName: String
        public var kind: String
        @NullWhenAbsent public var team: String?
        public var wellNamed: Bool
        @NullWhenAbsent public var problem: String?
        public var size: Int
    }

    public struct History: Codable, Sendable {
        public var at: Date
        public var cause: String
        @NullWhenAbsent public var actor: String?
        @NullWhenAbsent public var authentication: String?
        /// How the authentication was established: `token`, `dkim`, `dmarc`, `signature`, `from-only`, `operator`.
        @NullWhenAbsent public var authenticationBasis: String?
        public var action: String
        public var detail: String
    }

    public struct Escalation: Codable, Sendable {
        public var sent: Int
        @NullWhenAbsent public var nextAt: Date?
    }

    public var id: Int
    public var queue: String
    public var title: String
    public var status: String
    @NullWhenAbsent public var parent: Int?
    @NullWhenAbsent public var child: Int?
    public var release: Release
    @NullWhenAbsent public var outcome: String?
    @NullWhenAbsent public var documentId: String?
    @NullWhenAbsent public var summary: String?
    public var ggus: [String]
    @NullWhenAbsent public var escalation: Escalation?
    public var teams: [Team]
    public var timers: [Timer]
    public var attachments: [Attachment]
    public var history: [History]
}

extension Gateway {
    /// Everything known about one ticket, for `tickets show`.
    public func view(of ticket: TicketID) async throws -> TicketView {
        guard let stored = try await store.load(ticket) else { throw GatewayError.unknownTicket(ticket) }
        return try await view(of: ticket, queue: stored.queue, in: stored.rolloutCase)
    }

    /// The view of a ticket in a case decided but not yet stored (`show` after the commands before it): the tickets
    /// from `rolloutCase`, the timers, attachments and history from the store.
    public func view(of ticket: TicketID, queue: Queue, in rolloutCase: RolloutCase) async throws -> TicketView {
        let release = rolloutCase.release
        let rollout = queue == .stagedRollout ? rolloutCase.rollout : nil
        let component = release.release
        return TicketView(
            id: ticket.rawValue, queue: queue.rawValue, title: rollout?.title ?? release.title,
            status: rollout?.status.rawValue ?? release.status.rawValue, parent: rollout?.parent.rawValue,
            child: rollout == nil ? release.child?.rawValue : nil,
            release: .init(
                id: release.id.rawValue, title: release.title, status: release.status.rawValue, owner: release.owner,
                stack: component.stack, component: component.component, version: component.version, os: component.os,
                arch: component.architecture,
                links: .init(releaseNotes: release.links.releaseNotes, fixedBugs: release.links.fixedBugs, documentation: release.links.documentation),
                outcome: release.outcome?.rawValue, documentId: release.documentID),
            outcome: rollout?.outcome?.rawValue ?? (rollout == nil ? release.outcome?.rawValue : nil),
            documentId: rollout?.documentID ?? (rollout == nil ? release.documentID : nil), summary: rollout?.summary,
            ggus: rollout?.ggusTickets ?? [],
            escalation: rollout.map { .init(sent: $0.escalationsSent, nextAt: $0.escalationDueAt) },
            teams: (rollout?.teams ?? []).map { team in
                .init(
                    team: team.team.description, assignedAt: team.assignedAt, volunteered: team.volunteered,
                    answerDeadline: team.answerDeadline, answer: team.answer?.rawValue, answeredAt: team.answeredAt,
                    answeredBy: team.answeredBy?.value, testingMinimumEnd: team.testingMinimumEnd,
                    testingMaximumEnd: team.testingMaximumEnd, extendedDays: team.extendedDays, downtime: team.downtime,
                    report: team.report, reportedAt: team.reportedAt, unassignedAt: team.unassignedAt)
            },
            timers: try await store.timers(of: ticket).map { .init(kind: $0.key.kind.rawValue, team: $0.key.team?.description, dueAt: $0.dueAt) },
            // Their sizes, not their bytes: a page lists every ticket's files (issue: every view loaded every file).
            attachments: try await store.attachmentSummaries(of: ticket).map {
                .init(
                    fileName: $0.verdict.fileName, kind: $0.verdict.kind.rawValue, team: $0.verdict.team?.description,
                    wellNamed: $0.verdict.wellNamed, problem: $0.verdict.problem, size: $0.size)
            },
            history: try await store.history(of: ticket).map {
                .init(
                    at: $0.at, cause: $0.cause.description, actor: $0.actor?.value, authentication: $0.authentication?.rawValue,
                    authenticationBasis: $0.basis?.rawValue, action: $0.action.rawValue, detail: $0.detail)
            })
    }
}
