import Foundation
import RolloutCore
import RolloutGateway

/// The memory store's rows as the SQL drivers' ``StoreTransfer/exportTables()`` gives theirs (issue 19's canonical
/// dump compares them): the same table and column names, for what this store keeps. It keeps no bookkeeping of a
/// table (`updated_at`, `row_version`, `seen_at`, `received_at`, `settled_at`, `last_error`, the answer counts): those
/// columns and tables are absent, not made up.
extension MemoryTicketStore {
    public func exportTables() -> [StoreTable] {
        read { state in
            [
                Self.tickets(state), Self.ticketTeams(state), Self.ggusLinks(state), Self.history(state), Self.timers(state),
                Self.seenMessages(state), Self.attachments(state), Self.outbox(state),
            ]
        }
    }

    private static func text(_ value: String?) -> StoreValue { value.map(StoreValue.text) ?? .null }
    private static func date(_ value: Date?) -> StoreValue { value.map(StoreValue.date) ?? .null }
    private static func integer(_ value: Int?) -> StoreValue { value.map { .integer(Int64($0)) } ?? .null }

    private static func releaseValues(_ release: ComponentRelease, _ links: ReleaseLinks) -> [StoreValue] {
        [
            .text(release.stack), text(release.component), .text(release.version), text(release.os), text(release.architecture),
            .text(links.releaseNotes), .text(links.fixedBugs), .text(links.documentation),
        ]
    }

    private static func tickets(_ state: MemoryState) -> StoreTable {
        let columns = [
            "id", "queue", "status", "stack", "component", "version", "os", "arch", "release_notes", "fixed_bugs", "documentation",
            "owner", "parent_id", "child_id", "outcome", "document_id", "summary", "escalation_due_at", "escalations_sent",
            "all_reports_announced", "last_escalation_at", "created_at",
        ]
        let releases = state.releases.values.map(\.value).map { ticket -> [StoreValue] in
            [.integer(Int64(ticket.id.rawValue)), .text(Queue.release.rawValue), .text(ticket.status.rawValue)]
                + releaseValues(ticket.release, ticket.links)
                + [
                    .text(ticket.owner), .null, integer(ticket.child?.rawValue), text(ticket.outcome?.rawValue), text(ticket.documentID),
                    .null, .null, .integer(0), .bool(false), .null, .date(ticket.createdAt),
                ]
        }
        let rollouts = state.rollouts.values.map(\.value).map { ticket -> [StoreValue] in
            [.integer(Int64(ticket.id.rawValue)), .text(Queue.stagedRollout.rawValue), .text(ticket.status.rawValue)]
                + releaseValues(ticket.release, ticket.links)
                + [
                    .text("staged-rollout"), .integer(Int64(ticket.parent.rawValue)), .null, text(ticket.outcome?.rawValue),
                    text(ticket.documentID), text(ticket.summary), date(ticket.escalationDueAt),
                    .integer(Int64(ticket.escalationsSent)), .bool(ticket.allReportsAnnounced), date(ticket.lastEscalationAt),
                    .date(ticket.createdAt),
                ]
        }
        return StoreTable(name: "tickets", columns: columns, rows: releases + rollouts)
    }

    private static func ticketTeams(_ state: MemoryState) -> StoreTable {
        let columns = [
            "ticket_id", "team", "assigned_at", "volunteered", "answer_deadline", "answer", "answered_at", "answered_by",
            "testing_minimum_end", "testing_maximum_end", "extended_days", "downtime", "report", "reported_at", "unassigned_at",
            "position",
        ]
        let rows = state.rollouts.values.map(\.value).flatMap { ticket in
            ticket.teams.enumerated().map { position, team -> [StoreValue] in
                [
                    .integer(Int64(ticket.id.rawValue)), .text(team.team.description), .date(team.assignedAt), .bool(team.volunteered),
                    .date(team.answerDeadline), text(team.answer?.rawValue), date(team.answeredAt), text(team.answeredBy?.value),
                    date(team.testingMinimumEnd), date(team.testingMaximumEnd), .integer(Int64(team.extendedDays)),
                    .bool(team.downtime), text(team.report), date(team.reportedAt), date(team.unassignedAt),
                    .integer(Int64(position)),
                ]
            }
        }
        return StoreTable(name: "ticket_teams", columns: columns, rows: rows)
    }

    private static func ggusLinks(_ state: MemoryState) -> StoreTable {
        let rows = state.rollouts.values.map(\.value).flatMap { ticket in
            ticket.ggusTickets.enumerated().map { position, ggus -> [StoreValue] in
                [.integer(Int64(ticket.id.rawValue)), .text(ggus), .integer(Int64(position))]
            }
        }
        return StoreTable(name: "ggus_links", columns: ["ticket_id", "ggus_ticket", "position"], rows: rows)
    }

    /// History in the order it was written, numbered as the SQL drivers' `id` numbers it.
    private static func history(_ state: MemoryState) -> StoreTable {
        let columns = [
            "id", "ticket_id", "at", "cause_kind", "cause", "actor", "actor_key", "authentication", "authentication_basis", "action",
            "detail", "written_at",
        ]
        let entries = state.history.keys.sorted().flatMap { state.history[$0] ?? [] }
        let rows = entries.enumerated().map { number, entry -> [StoreValue] in
            let (kind, cause) = entry.cause.storedColumns
            return [
                .integer(Int64(number + 1)), .integer(Int64(entry.ticket.rawValue)), .date(entry.at), .text(kind), .text(cause),
                text(entry.actor?.value), text(entry.actor?.key), text(entry.authentication?.rawValue), text(entry.basis?.rawValue), .text(entry.action.rawValue),
                .text(entry.detail), date(entry.writtenAt),
            ]
        }
        return StoreTable(name: "history", columns: columns, rows: rows)
    }

    private static func timers(_ state: MemoryState) -> StoreTable {
        let rows = state.timers.map { key, timer -> [StoreValue] in
            let timerState =
                switch timer.state {
                case .pending: "pending"
                case .fired: "fired"
                case .cancelled: "cancelled"
                }
            return [
                .integer(Int64(key.ticket.rawValue)), .text(key.kind.rawValue), .text(key.team?.description ?? ""), .date(timer.dueAt),
                .text(timerState),
            ]
        }
        return StoreTable(name: "timers", columns: ["ticket_id", "kind", "team", "due_at", "state"], rows: rows)
    }

    private static func seenMessages(_ state: MemoryState) -> StoreTable {
        let rows = state.seen.values.map { seen -> [StoreValue] in
            [.text(seen.key), integer(seen.ticket?.rawValue), text(seen.sender?.value), .text(seen.disposition.description)]
        }
        return StoreTable(name: "messages_seen", columns: ["message_key", "ticket_id", "sender", "disposition"], rows: rows)
    }

    private static func attachments(_ state: MemoryState) -> StoreTable {
        let columns = ["ticket_id", "file_name", "content_type", "size", "kind", "team", "well_named", "problem", "data"]
        let rows = state.attachments.keys.sorted().flatMap { ticket in
            (state.attachments[ticket] ?? []).map { attachment -> [StoreValue] in
                let verdict = attachment.verdict
                return [
                    .integer(Int64(ticket.rawValue)), .text(verdict.fileName), .text(attachment.contentType),
                    .integer(Int64(attachment.bytes.count)), .text(verdict.kind.rawValue), text(verdict.team?.description),
                    .bool(verdict.wellNamed), text(verdict.problem), .bytes(attachment.bytes),
                ]
            }
        }
        return StoreTable(name: "attachments", columns: columns, rows: rows)
    }

    private static func outbox(_ state: MemoryState) -> StoreTable {
        let columns = [
            "id", "message_id", "ticket_id", "kind", "sender", "recipients", "data", "created_at", "attempts", "next_attempt_at",
            "sent_at", "failed_at",
        ]
        let rows = state.outbox.map { row -> [StoreValue] in
            let message = row.message
            return [
                integer(message.rowID.map(Int.init)), .text(message.messageID), integer(message.ticket?.rawValue), .text(message.kind.rawValue),
                .text(message.sender.value), .text(message.recipients.map(\.value).joined(separator: "\n")), .bytes(message.data),
                .date(message.createdAt), .integer(Int64(message.attempts)), .date(message.nextAttemptAt), date(row.sentAt),
                date(row.failedAt),
            ]
        }
        return StoreTable(name: "outbox", columns: columns, rows: rows)
    }
}
