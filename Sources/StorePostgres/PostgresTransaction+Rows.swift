import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Mapping between table rows and the core's types (as in the SQLite store, with the same tables and columns).
/// A new column: add it to the migration, to the row's `columns(…)` here, and to its reading.
extension PostgresTransaction {
    // MARK: Tickets

    static func ticketRow(_ id: Int, _ connection: PostgresConnection) async throws -> TicketRow? {
        try await connection.rows(HotSQL.Ticket.self, binds(id)).first.map { try PostgresRowDecoder.decode(TicketRow.self, from: $0) }
    }

    static func load(_ ticket: TicketID, _ connection: PostgresConnection) async throws -> StoredCase? {
        guard let row = try await ticketRow(ticket.rawValue, connection) else { return nil }
        let queue = try row.storedQueue()
        let releaseRow: TicketRow
        let rolloutRow: TicketRow?
        if queue == .release {
            releaseRow = row
            if let child = row.childID {
                rolloutRow = try await ticketRow(child, connection)
            } else {
                rolloutRow = nil
            }
        } else {
            let parent = try row.parentID.storedRequired(table: TicketRow.table, column: TicketRow.CodingKeys.parentID.rawValue)
            guard let parentRow = try await ticketRow(parent, connection) else { return nil }
            releaseRow = parentRow
            rolloutRow = row
        }
        var rollout: StagedRolloutTicket?
        if let rolloutRow { rollout = try await stagedRollout(rolloutRow, connection) }
        return StoredCase(
            rolloutCase: RolloutCase(release: try releaseRow.releaseTicket(), rollout: rollout), releaseVersion: releaseRow.rowVersion,
            rolloutVersion: rolloutRow?.rowVersion, queue: queue)
    }

    static func stagedRollout(_ row: TicketRow, _ connection: PostgresConnection) async throws -> StagedRolloutTicket {
        let teams = try await connection.rows(HotSQL.Teams.self, binds(row.id)).map {
            try PostgresRowDecoder.decode(TeamRow.self, from: $0).assignment()
        }
        let ggus = try await connection.rows(HotSQL.GGUS.self, binds(row.id)).map {
            try $0.get("ggus_ticket", as: String.self)
        }
        return try row.stagedRollout(teams: teams, ggusTickets: ggus)
    }

    /// Locks a ticket row until the transaction ends and checks that its version is still the one loaded.
    static func lockAndCheckVersion(_ ticket: TicketID, expected: Int, _ connection: PostgresConnection) async throws {
        let version: Int? = try await connection.rows(HotSQL.LockTicket.self, binds(ticket.rawValue)).first?
            .get("row_version")
        guard version == expected else { throw StoreError.conflict(ticket) }
    }

    private static func releaseColumns(_ release: ComponentRelease, _ links: ReleaseLinks) -> RowValues {
        var values = RowValues()
        values.add("stack", release.stack)
        values.add("component", release.component)
        values.add("version", release.version)
        values.add("os", release.os)
        values.add("arch", release.architecture)
        values.add("release_notes", links.releaseNotes)
        values.add("fixed_bugs", links.fixedBugs)
        values.add("documentation", links.documentation)
        return values
    }

    private static func columns(_ ticket: ReleaseTicket) -> RowValues {
        var values = RowValues()
        values.add("queue", Queue.release.rawValue)
        values.add("status", ticket.status.rawValue)
        values.add("owner", ticket.owner)
        values.add("child_id", ticket.child?.rawValue)
        values.add("outcome", ticket.outcome?.rawValue)
        values.add("document_id", ticket.documentID)
        values.append(releaseColumns(ticket.release, ticket.links))
        return values
    }

    private static func columns(_ ticket: StagedRolloutTicket) -> RowValues {
        var values = RowValues()
        values.add("queue", Queue.stagedRollout.rawValue)
        values.add("status", ticket.status.rawValue)
        values.add("owner", "staged-rollout")
        values.add("parent_id", ticket.parent.rawValue)
        values.add("outcome", ticket.outcome?.rawValue)
        values.add("document_id", ticket.documentID)
        values.add("summary", ticket.summary)
        values.add("escalation_due_at", ticket.escalationDueAt)
        values.add("escalations_sent", ticket.escalationsSent)
        values.add("last_escalation_at", ticket.lastEscalationAt)
        values.add("all_reports_announced", ticket.allReportsAnnounced)
        values.append(releaseColumns(ticket.release, ticket.links))
        return values
    }

    private static func insertTicket(_ id: TicketID, _ columns: RowValues, createdAt: Date, _ connection: PostgresConnection) async throws {
        var values = RowValues()
        values.add("id", id.rawValue)
        values.add("created_at", createdAt)
        values.add("updated_at", createdAt)
        values.append(columns)
        try await connection.execute(values.insert(into: "tickets"))
    }

    private static func updateTicket(_ id: TicketID, _ columns: RowValues, at date: Date, _ connection: PostgresConnection) async throws {
        var values = RowValues()
        values.add("updated_at", date)
        values.append(columns)
        try await connection.execute(values.update("tickets", extra: "row_version = row_version + 1", where: "id", equals: id.rawValue))
    }

    static func insert(_ ticket: ReleaseTicket, _ connection: PostgresConnection) async throws {
        try await insertTicket(ticket.id, columns(ticket), createdAt: ticket.createdAt, connection)
    }

    static func update(_ ticket: ReleaseTicket, _ connection: PostgresConnection, at date: Date) async throws {
        try await updateTicket(ticket.id, columns(ticket), at: date, connection)
    }

    static func insert(_ ticket: StagedRolloutTicket, _ connection: PostgresConnection) async throws {
        try await insertTicket(ticket.id, columns(ticket), createdAt: ticket.createdAt, connection)
        try await saveParts(of: ticket, before: nil, connection)
    }

    /// Updates the ticket row, and only the team and GGUS rows that changed since `before`.
    static func update(_ ticket: StagedRolloutTicket, from before: StagedRolloutTicket, _ connection: PostgresConnection, at date: Date) async throws {
        try await updateTicket(ticket.id, columns(ticket), at: date, connection)
        try await saveParts(of: ticket, before: before, connection)
    }

    /// Teams and GGUS links: rows are replaced or added, never removed (an unassigned team keeps its row).
    private static func saveParts(of ticket: StagedRolloutTicket, before: StagedRolloutTicket?, _ connection: PostgresConnection) async throws {
        for (position, team) in ticket.teams.enumerated() {
            if let before, position < before.teams.count, before.teams[position] == team { continue }
            var values = RowValues()
            values.add("ticket_id", ticket.id.rawValue)
            values.add("team", team.team.description)
            values.add("assigned_at", team.assignedAt)
            values.add("volunteered", team.volunteered)
            values.add("answer_deadline", team.answerDeadline)
            values.add("answer", team.answer?.rawValue)
            values.add("answered_at", team.answeredAt)
            values.add("answered_by", team.answeredBy?.value)
            values.add("testing_minimum_end", team.testingMinimumEnd)
            values.add("testing_maximum_end", team.testingMaximumEnd)
            values.add("extended_days", team.extendedDays)
            values.add("downtime", team.downtime)
            values.add("report", team.report)
            values.add("reported_at", team.reportedAt)
            values.add("unassigned_at", team.unassignedAt)
            values.add("position", position)
            try await connection.execute(values.insert(into: "ticket_teams", onConflict: ["ticket_id", "team"], replacing: true))
        }
        let linked = Set(before?.ggusTickets ?? [])
        for (position, ggus) in ticket.ggusTickets.enumerated() where !linked.contains(ggus) {
            try await connection.execute(
                "INSERT INTO ggus_links (ticket_id, ggus_ticket, position) VALUES (\(ticket.id.rawValue), \(ggus), \(position)) ON CONFLICT DO NOTHING")
        }
    }

    // MARK: History

    static func insert(_ entry: HistoryEntry, _ connection: PostgresConnection) async throws {
        try await insert([entry], connection)
    }

    /// History entries in one statement (in their order: their ids ascend as they were given).
    static func insert(_ entries: [HistoryEntry], _ connection: PostgresConnection) async throws {
        for chunk in stride(from: 0, to: entries.count, by: 1000).map({ entries[$0..<min($0 + 1000, entries.count)] }) {
            try await connection.execute(RowValues.insert(into: "history", rows: chunk.map(historyRow)))
        }
    }

    private static func historyRow(_ entry: HistoryEntry) -> RowValues {
        let (kind, cause) = entry.cause.storedColumns
        var values = RowValues()
        values.add("ticket_id", entry.ticket.rawValue)
        values.add("at", entry.at)
        values.add("cause_kind", kind)
        values.add("cause", cause)
        values.add("actor", entry.actor?.value)
        values.add("actor_key", entry.actor?.key)
        values.add("authentication", entry.authentication?.rawValue)
        values.add("authentication_basis", entry.basis?.rawValue)
        values.add("action", entry.action.rawValue)
        values.add("detail", entry.detail)
        values.add("written_at", entry.writtenAt)
        return values
    }

    static func historyEntry(_ row: PostgresRecord) throws -> HistoryEntry {
        try PostgresRowDecoder.decode(HistoryRow.self, from: row).entry()
    }

    // MARK: Timers

    static func apply(_ change: TimerChange, _ connection: PostgresConnection, at date: Date) async throws {
        switch change {
        case .schedule(let key, let due):
            try await connection.execute(
                """
                INSERT INTO timers (ticket_id, kind, team, due_at, state) VALUES (\(key.ticket.rawValue), \(key.kind.rawValue), \(key.team?.description ?? ""), \(due), 'pending')
                ON CONFLICT (ticket_id, kind, team) DO UPDATE SET due_at = excluded.due_at, state = 'pending', settled_at = NULL, claimed_until = NULL
                """)
        case .cancel(let key):
            try await connection.execute(
                """
                UPDATE timers SET state = 'cancelled', settled_at = \(date), claimed_until = NULL
                WHERE ticket_id = \(key.ticket.rawValue) AND kind = \(key.kind.rawValue) AND team = \(key.team?.description ?? "") AND state = 'pending'
                """)
        }
    }

    static func timer(_ row: PostgresRecord) throws -> DueTimer {
        try PostgresRowDecoder.decode(TimerRow.self, from: row).dueTimer()
    }

    // MARK: Messages, attachments, outbox

    static func seen(_ key: String, _ connection: PostgresConnection) async throws -> Bool {
        try await !connection.rows(HotSQL.Seen.self, binds(key)).isEmpty
    }

    /// Records a message as seen; false when it was recorded before (or by a transaction that commits first: the
    /// insert waits for it).
    static func insertSeen(_ message: SeenMessage, _ connection: PostgresConnection, at date: Date) async throws -> Bool {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(message.key)
        bindings.append(message.ticket?.rawValue)
        bindings.append(message.sender?.value)
        bindings.append(message.disposition.description)
        bindings.append(date)
        return try await !connection.rows(HotSQL.InsertSeen.self, bindings).isEmpty
    }

    static func insert(_ attachment: StoredAttachment, ticket: TicketID, messageKey: String?, _ connection: PostgresConnection, at date: Date)
        async throws
    {
        var values = RowValues()
        values.add("ticket_id", ticket.rawValue)
        values.add("file_name", attachment.verdict.fileName)
        values.add("content_type", attachment.contentType)
        values.add("size", attachment.bytes.count)
        values.add("kind", attachment.verdict.kind.rawValue)
        values.add("team", attachment.verdict.team?.description)
        values.add("well_named", attachment.verdict.wellNamed)
        values.add("problem", attachment.verdict.problem)
        values.add("data", ByteBuffer(bytes: attachment.bytes))
        values.add("received_at", date)
        values.add("message_key", messageKey)
        try await connection.execute(values.insert(into: "attachments"))
    }

    /// Inserts outbox messages in one statement (their bytes written now: this store does not take messages still
    /// being composed), a message already there (its Message-ID) kept as it was, and counts the answers inserted.
    static func insert(_ messages: [OutgoingMessage], _ connection: PostgresConnection) async throws {
        for chunk in stride(from: 0, to: messages.count, by: 500).map({ Array(messages[$0..<min($0 + 500, messages.count)]) }) {
            let inserted = Set(
                try await connection.rows(RowValues.insert(into: "outbox", rows: chunk.map(outboxRow), onConflict: ["message_id"], returning: "message_id"))
                    .map { try $0.get("message_id", as: String.self) })
            try await countAnswers(chunk.filter { $0.kind.isAnswer && inserted.contains($0.messageID) }, connection)
            // Another instance queued this person's thread root first: the transaction fails as a conflict and the
            // event is decided again, the root then known (``OutgoingMessage/opensThread``).
            if let lost = chunk.first(where: { $0.opensThread && !inserted.contains($0.messageID) }), let ticket = lost.ticket {
                throw StoreError.conflict(ticket)
            }
        }
    }

    private static func outboxRow(_ message: OutgoingMessage) -> RowValues {
        var values = RowValues()
        values.add("message_id", message.messageID)
        values.add("ticket_id", message.ticket?.rawValue)
        values.add("kind", message.kind.rawValue)
        values.add("sender", message.sender.value)
        values.add("recipients", message.recipients.map(\.value).joined(separator: "\n"))
        let bytes = message.data
        values.add("data", ByteBuffer(bytes: bytes))
        values.add("created_at", message.createdAt)
        values.add("attempts", message.attempts)
        values.add("next_attempt_at", message.nextAttemptAt)
        values.add("text_fingerprint", bytes.isEmpty ? nil : ByteBuffer(bytes: message.textFingerprint.bytes))
        return values
    }

    /// Counts answers per recipient and minute (one statement), and forgets the counts older than a day.
    static func countAnswers(_ answers: [OutgoingMessage], _ connection: PostgresConnection) async throws {
        var counts: [String: [Int: Int]] = [:]
        for answer in answers {
            for recipient in answer.recipients { counts[recipient.key, default: [:]][AnswerMinute.of(answer.createdAt), default: 0] += 1 }
        }
        guard !counts.isEmpty else { return }
        let rows = counts.keys.sorted().flatMap { recipient in
            counts[recipient]!.keys.sorted().map { minute in
                var values = RowValues()
                values.add("recipient", recipient)
                values.add("minute", minute)
                values.add("answers", counts[recipient]![minute]!)
                return values
            }
        }
        try await connection.execute(
            RowValues.insert(
                into: "answer_counts", rows: rows, onConflict: ["recipient", "minute"], update: "answers = answer_counts.answers + excluded.answers"))
        let newest = answers.map { AnswerMinute.of($0.createdAt) }.max()!
        try await connection.execute("DELETE FROM answer_counts WHERE minute < \(newest - AnswerMinute.kept)")
    }

    /// Answers to `recipient` since `since`, in whole minutes (as the SQLite store): at most 60 rows are read.
    static func answerCount(to recipient: EmailAddress, since: Date, _ connection: PostgresConnection) async throws -> Int {
        var bindings = binds(recipient.key)
        bindings.append(AnswerMinute.of(since))
        return try await connection.rows(HotSQL.AnswerCount.self, bindings)[0].get("n")
    }

    static func outgoing(_ row: PostgresRecord) throws -> OutgoingMessage {
        try PostgresRowDecoder.decode(OutboxRow.self, from: row).message()
    }

    /// The bindings of a statement with one value.
    static func binds(_ value: some PostgresDynamicTypeEncodable) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(value)
        return bindings
    }
}
