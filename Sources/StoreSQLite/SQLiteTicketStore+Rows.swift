import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// Mapping between table rows and the core's types. Rows stay in this module; callers see domain values.
extension SQLiteTicketStore {
    static func load(_ ticket: TicketID, _ db: Database) throws -> StoredCase? {
        guard let row = try TicketRow.numbered(ticket.rawValue, db) else { return nil }
        let queue = try row.storedQueue()
        let releaseRow: TicketRow
        let rolloutRow: TicketRow?
        if queue == .release {
            releaseRow = row
            rolloutRow = try row.childID.flatMap { try TicketRow.numbered($0, db) }
        } else {
            let parent = try row.parentID.storedRequired(table: TicketRow.table, column: TicketRow.CodingKeys.parentID.rawValue)
            guard let parentRow = try TicketRow.numbered(parent, db) else { return nil }
            releaseRow = parentRow
            rolloutRow = row
        }
        let rollout = try rolloutRow.map { try stagedRollout($0, db) }
        return StoredCase(
            rolloutCase: RolloutCase(release: try releaseRow.releaseTicket(), rollout: rollout), releaseVersion: releaseRow.rowVersion,
            rolloutVersion: rolloutRow?.rowVersion, queue: queue)
    }

    static func stagedRollout(_ row: TicketRow, _ db: Database) throws -> StagedRolloutTicket {
        let teams = try TeamRow.fetchAll(try db.cachedStatement(sql: "SELECT \(TeamRow.selection) FROM ticket_teams WHERE ticket_id = ? ORDER BY position"), arguments: [row.id])
            .map { try $0.assignment() }
        let ggus = try String.fetchAll(try db.cachedStatement(sql: "SELECT ggus_ticket FROM ggus_links WHERE ticket_id = ? ORDER BY position"), arguments: [row.id])
        return try row.stagedRollout(teams: teams, ggusTickets: ggus)
    }

    static func rowVersion(of ticket: TicketID, _ db: Database) throws -> Int? {
        try Int.fetchOne(try db.cachedStatement(sql: "SELECT row_version FROM tickets WHERE id = ?"), arguments: [ticket.rawValue])
    }

    // MARK: Dates

    /// A date as GRDB stores it (``StoredDateText``: GRDB's text without its DateFormatter, which costs).
    static func storedDate(_ date: Date) -> DatabaseValue {
        StoredDateText.value(of: date)
    }

    static func checkVersion(_ ticket: TicketID, expected: Int, _ db: Database) throws {
        guard try rowVersion(of: ticket, db) == expected else { throw StoreError.conflict(ticket) }
    }

    private static func releaseColumns(_ release: ComponentRelease, _ links: ReleaseLinks) -> [(String, (any DatabaseValueConvertible)?)] {
        [
            ("stack", release.stack), ("component", release.component), ("version", release.version), ("os", release.os),
            ("arch", release.architecture), ("release_notes", links.releaseNotes), ("fixed_bugs", links.fixedBugs),
            ("documentation", links.documentation),
        ]
    }

    private static func upsert(_ id: TicketID, insert: Bool, _ columns: [(String, (any DatabaseValueConvertible)?)], _ db: Database, at date: Date) throws {
        if insert {
            let all = [("id", id.rawValue as (any DatabaseValueConvertible)?), ("created_at", storedDate(date)), ("updated_at", storedDate(date))] + columns
            try db.cachedStatement(sql: "INSERT INTO tickets (\(all.map(\.0).joined(separator: ", "))) VALUES (\(all.map { _ in "?" }.joined(separator: ", ")))").execute(arguments: StatementArguments(all.map(\.1)))
        } else {
            let all = [("updated_at", storedDate(date) as (any DatabaseValueConvertible)?)] + columns
            try db.cachedStatement(sql: "UPDATE tickets SET \(all.map { "\($0.0) = ?" }.joined(separator: ", ")), row_version = row_version + 1 WHERE id = ?").execute(arguments: StatementArguments(all.map(\.1) + [id.rawValue]))
        }
    }

    private static func columns(_ ticket: ReleaseTicket) -> [(String, (any DatabaseValueConvertible)?)] {
        [
            ("queue", Queue.release.rawValue), ("status", ticket.status.rawValue), ("owner", ticket.owner),
            ("child_id", ticket.child?.rawValue), ("outcome", ticket.outcome?.rawValue), ("document_id", ticket.documentID),
        ] + releaseColumns(ticket.release, ticket.links)
    }

    static func insert(_ ticket: ReleaseTicket, _ db: Database, at date: Date) throws {
        try upsert(ticket.id, insert: true, columns(ticket), db, at: ticket.createdAt)
    }

    static func update(_ ticket: ReleaseTicket, _ db: Database, at date: Date) throws {
        try upsert(ticket.id, insert: false, columns(ticket), db, at: date)
    }

    private static func columns(_ ticket: StagedRolloutTicket) -> [(String, (any DatabaseValueConvertible)?)] {
        [
            ("queue", Queue.stagedRollout.rawValue), ("status", ticket.status.rawValue), ("owner", "staged-rollout"),
            ("parent_id", ticket.parent.rawValue), ("outcome", ticket.outcome?.rawValue), ("document_id", ticket.documentID),
            ("summary", ticket.summary), ("escalation_due_at", ticket.escalationDueAt.map(storedDate)),
            ("escalations_sent", ticket.escalationsSent), ("last_escalation_at", ticket.lastEscalationAt.map(storedDate)),
            ("all_reports_announced", ticket.allReportsAnnounced),
        ] + releaseColumns(ticket.release, ticket.links)
    }

    static func insert(_ ticket: StagedRolloutTicket, _ db: Database, at date: Date) throws {
        try upsert(ticket.id, insert: true, columns(ticket), db, at: ticket.createdAt)
        try saveParts(of: ticket, before: nil, db)
    }

    /// Updates the ticket row, and only the team and GGUS rows that changed since `before`.
    static func update(_ ticket: StagedRolloutTicket, from before: StagedRolloutTicket, _ db: Database, at date: Date) throws {
        try upsert(ticket.id, insert: false, columns(ticket), db, at: date)
        try saveParts(of: ticket, before: before, db)
    }

    /// Teams and GGUS links: rows are replaced or added, never removed (an unassigned team keeps its row).
    private static func saveParts(of ticket: StagedRolloutTicket, before: StagedRolloutTicket?, _ db: Database) throws {
        for (position, team) in ticket.teams.enumerated() {
            if let before, position < before.teams.count, before.teams[position] == team { continue }
            try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO ticket_teams (ticket_id, team, assigned_at, volunteered, answer_deadline, answer,
                      answered_at, answered_by, testing_minimum_end, testing_maximum_end, extended_days, downtime, report,
                      reported_at, unassigned_at, position)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    ticket.id.rawValue, team.team.description, team.assignedAt, team.volunteered, team.answerDeadline,
                    team.answer?.rawValue, team.answeredAt, team.answeredBy?.value, team.testingMinimumEnd,
                    team.testingMaximumEnd, team.extendedDays, team.downtime, team.report, team.reportedAt,
                    team.unassignedAt, position,
                ])
        }
        let linked = Set(before?.ggusTickets ?? [])
        for (position, ggus) in ticket.ggusTickets.enumerated() where !linked.contains(ggus) {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO ggus_links (ticket_id, ggus_ticket, position) VALUES (?, ?, ?)").execute(arguments: [ticket.id.rawValue, ggus, position])
        }
    }

    // MARK: History

    static func insert(_ entry: HistoryEntry, _ db: Database) throws {
        let (kind, cause) = entry.cause.storedColumns
        try db.cachedStatement(sql: """
                INSERT INTO history (ticket_id, at, cause_kind, cause, actor, actor_key, authentication, authentication_basis, action,
                    detail, written_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                entry.ticket.rawValue, storedDate(entry.at), kind, cause, entry.actor?.value, entry.actor?.key, entry.authentication?.rawValue,
                entry.basis?.rawValue, entry.action.rawValue, entry.detail, entry.writtenAt.map(storedDate),
            ])
    }

    // MARK: Timers

    static func apply(_ change: TimerChange, _ db: Database, at date: Date) throws {
        switch change {
        case .schedule(let key, let due):
            try db.cachedStatement(sql: """
                    INSERT INTO timers (ticket_id, kind, team, due_at, state) VALUES (?, ?, ?, ?, 'pending')
                    ON CONFLICT (ticket_id, kind, team) DO UPDATE SET due_at = excluded.due_at, state = 'pending', settled_at = NULL
                    """).execute(arguments: [key.ticket.rawValue, key.kind.rawValue, key.team?.description ?? "", storedDate(due)])
        case .cancel(let key):
            try db.cachedStatement(sql: "UPDATE timers SET state = 'cancelled', settled_at = ? WHERE ticket_id = ? AND kind = ? AND team = ? AND state = 'pending'").execute(arguments: [storedDate(date), key.ticket.rawValue, key.kind.rawValue, key.team?.description ?? ""])
        }
    }

    // MARK: Messages, attachments, outbox

    static func seen(_ key: String, _ db: Database) throws -> Bool {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM messages_seen WHERE message_key = ?"), arguments: [key]) != nil
    }

    static func insert(_ message: SeenMessage, _ db: Database, at date: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO messages_seen (message_key, ticket_id, sender, disposition, seen_at) VALUES (?, ?, ?, ?, ?)").execute(arguments: [message.key, message.ticket?.rawValue, message.sender?.value, message.disposition.description, storedDate(date)])
    }

    static func insert(_ attachment: StoredAttachment, ticket: TicketID, messageKey: String?, _ db: Database, at date: Date) throws {
        try db.cachedStatement(sql: """
                INSERT INTO attachments (ticket_id, file_name, content_type, size, kind, team, well_named, problem, data,
                  received_at, message_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                ticket.rawValue, attachment.verdict.fileName, attachment.contentType, attachment.bytes.count,
                attachment.verdict.kind.rawValue, attachment.verdict.team?.description, attachment.verdict.wellNamed,
                attachment.verdict.problem, Data(attachment.bytes), date, messageKey,
            ])
    }

    /// Inserts an outbox message. Returns whether the row was inserted (false: a message with its Message-ID was
    /// already there).
    @discardableResult
    static func insert(_ message: OutgoingMessage, _ db: Database) throws -> Bool {
        let data = message.data
        try db.cachedStatement(sql: """
                INSERT INTO outbox (message_id, ticket_id, kind, sender, recipients, data, created_at, attempts, next_attempt_at,
                  text_fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (message_id) DO NOTHING
                """).execute(arguments: [
                message.messageID, message.ticket?.rawValue, message.kind.rawValue, message.sender.value,
                message.recipients.map(\.value).joined(separator: "\n"), Data(data), storedDate(message.createdAt),
                message.attempts, storedDate(message.nextAttemptAt), fingerprintValue(of: message),
            ])
        let inserted = db.changesCount == 1
        if inserted, message.kind.isAnswer {
            for recipient in message.recipients { try countAnswer(to: recipient, at: message.createdAt, db) }
        }
        return inserted
    }

    /// Counts one answer to `recipient` in the minute of `date`, and forgets the counts older than a day.
    static func countAnswer(to recipient: EmailAddress, at date: Date, _ db: Database) throws {
        let minute = AnswerMinute.of(date)
        try db.cachedStatement(sql: """
                INSERT INTO answer_counts (recipient, minute, answers) VALUES (?, ?, 1)
                ON CONFLICT (recipient, minute) DO UPDATE SET answers = answers + 1
                """).execute(arguments: [recipient.key, minute])
        try db.cachedStatement(sql: "DELETE FROM answer_counts WHERE minute < ?").execute(arguments: [minute - AnswerMinute.kept])
    }

    /// Answers to `recipient` since `since`, counted in whole minutes: those of the minute `since` falls in are no
    /// longer counted (an hour's limit is kept over the last 59 to 60 minutes). At most 60 rows are read.
    static func answerCount(to recipient: EmailAddress, since: Date, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(SUM(answers), 0) FROM answer_counts WHERE recipient = ? AND minute > ?"),
            arguments: [recipient.key, AnswerMinute.of(since)]
        ).storedRequired(table: "answer_counts", column: "answers")
    }
}
