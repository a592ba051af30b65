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
        public var component: String?
        public var version: String
        public var os: String?
        public var arch: String?
        public var links: Links
        public var outcome: String?
        public var documentId: String?
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
    }

    public struct Timer: Codable, Sendable {
        public var kind: String
        public var team: String?
        public var dueAt: Date
    }

    public struct Attachment: Codable, Sendable {
        public var fileName: String
        public var kind: String
        public var team: String?
        public var wellNamed: Bool
        public var problem: String?
        public var size: Int
    }

    public struct History: Codable, Sendable {
        public var at: Date
        public var cause: String
        public var actor: String?
        public var authentication: String?
        /// How the authentication was established: `token`, `dkim`, `dmarc`, `signature`, `from-only`, `operator`.
        public var authenticationBasis: String?
        public var action: String
        public var detail: String
    }

    public struct Escalation: Codable, Sendable {
        public var sent: Int
        public var nextAt: Date?
    }

    public var id: Int
    public var queue: String
    public var title: String
    public var status: String
    public var parent: Int?
    public var child: Int?
    public var release: Release
    public var outcome: String?
    public var documentId: String?
    public var summary: String?
    public var ggus: [String]
    public var escalation: Escalation?
    public var teams: [Team]
    public var timers: [Timer]
    public var attachments: [Attachment]
    public var history: [History]
}

extension Gateway {
    /// Everything known about one ticket, for `tickets show`.
    public func view(of ticket: TicketID) async throws -> TicketView {
        guard let stored = try await store.load(ticket) else { throw GatewayError.unknownTicket(ticket) }
        let release = stored.rolloutCase.release
        let rollout = stored.queue == .stagedRollout ? stored.rolloutCase.rollout : nil
        let component = release.release
        return TicketView(
            id: ticket.rawValue, queue: stored.queue.rawValue, title: rollout?.title ?? release.title,
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
            attachments: try await store.attachments(of: ticket).map {
                .init(
                    fileName: $0.verdict.fileName, kind: $0.verdict.kind.rawValue, team: $0.verdict.team?.description,
                    wellNamed: $0.verdict.wellNamed, problem: $0.verdict.problem, size: $0.bytes.count)
            },
            history: try await store.history(of: ticket).map {
                .init(
                    at: $0.at, cause: $0.cause.description, actor: $0.actor?.value, authentication: $0.authentication?.rawValue,
                    authenticationBasis: $0.basis?.rawValue, action: $0.action, detail: $0.detail)
            })
    }
}

/// The README documents `null` for a value that is absent: `tickets show --json` writes the key with an explicit
/// null rather than leaving it out (the synthesized encoders of this file call these instead of the standard ones).
extension KeyedEncodingContainer {
    fileprivate mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        try encode(value, forKey: key)
    }
    fileprivate mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encode(value, forKey: key) }
    fileprivate mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encode(value, forKey: key) }
    fileprivate mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encode(value, forKey: key) }
}
