import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// Mapping between table rows and the core's types (as in the SQLite store, with the same tables and columns).
/// A new column: add it to the migration, to the row's `columns(…)` here, and to its reading.
extension PostgresTransaction {
    // MARK: Tickets

    /// Loads a case in one statement (``HotSQL/Case``).
    static func load(_ ticket: TicketID, _ connection: PostgresConnection) async throws -> StoredCase? {
        try storedCase(ticket, from: try await connection.rows(HotSQL.Case.self, binds(ticket.rawValue)))
    }

    /// The case of `ticket` from the rows of ``HotSQL/Case`` (or ``HotSQL/Lookup``): its ticket rows, each repeated
    /// once per team, teams in their order.
    static func storedCase(_ ticket: TicketID, from records: [PostgresRecord]) throws -> StoredCase? {
        var rows: [Int: (row: TicketRow, ggus: [String], teams: [TeamAssignment])] = [:]
        for record in records {
            guard let id = try record.get("id", as: Int?.self) else { continue }
            if rows[id] == nil {
                rows[id] = (try PostgresRowDecoder.decode(TicketRow.self, from: record), try record.get("ggus_tickets", as: [String].self), [])
            }
            if try record.get(HotSQL.teamPrefix + TeamRow.CodingKeys.team.rawValue, as: String?.self) != nil {
                rows[id]!.teams.append(try PostgresRowDecoder.decode(TeamRow.self, from: record, prefix: HotSQL.teamPrefix).assignment())
            }
        }
        guard let named = rows[ticket.rawValue] else { return nil }
        let queue = try named.row.storedQueue()
        let release: (row: TicketRow, ggus: [String], teams: [TeamAssignment])
        let rollout: (row: TicketRow, ggus: [String], teams: [TeamAssignment])?
        if queue == .release {
            release = named
            rollout = named.row.childID.flatMap { rows[$0] }
        } else {
            let parent = try named.row.parentID.storedRequired(table: TicketRow.table, column: TicketRow.CodingKeys.parentID.rawValue)
            guard let parentRow = rows[parent] else { return nil }
            release = parentRow
            rollout = named
        }
        return StoredCase(
            rolloutCase: RolloutCase(
                release: try release.row.releaseTicket(),
                rollout: try rollout.map { try $0.row.stagedRollout(teams: $0.teams, ggusTickets: $0.ggus) }),
            releaseVersion: release.row.rowVersion, rolloutVersion: rollout?.row.rowVersion, queue: queue)
    }

    /// Locks a case's ticket rows until the transaction ends (one statement, in the order of their ids) and checks that
    /// each one's version is still the one loaded.
    static func lockAndCheckVersions(_ expected: [(ticket: TicketID, version: Int)], _ connection: PostgresConnection) async throws {
        try checkVersions(expected, try await connection.rows(HotSQL.LockTickets.self, binds(expected.map(\.ticket.rawValue))))
    }

    /// The versions of `locked` (rows with `id` and `row_version`) are those expected; else a conflict.
    private static func checkVersions(_ expected: [(ticket: TicketID, version: Int)], _ locked: [PostgresRecord]) throws {
        var versions: [Int: Int] = [:]
        for record in locked { versions[try record.get("id", as: Int.self)] = try record.get("row_version", as: Int.self) }
        for (ticket, version) in expected where versions[ticket.rawValue] != version { throw StoreError.conflict(ticket) }
    }

    /// A commit's first statement: the message recorded as seen (under each of its keys) and the case's ticket rows
    /// locked and their versions checked, in one round trip. A key recorded before (or by a transaction that commits
    /// first: the insert waits for it) is ``StoreError/alreadySeen(_:)``, before any conflict.
    static func recordSeenAndLock(_ seen: [SeenMessage], at date: Date, _ expected: [(ticket: TicketID, version: Int)], _ connection: PostgresConnection)
        async throws
    {
        guard !seen.isEmpty, Set(seen.map(\.key)).count == seen.count else {
            for message in seen where try await !insertSeen(message, connection, at: date) { throw StoreError.alreadySeen(message.key) }
            return try await lockAndCheckVersions(expected, connection)
        }
        var statement = BoundStatement()
        let recorded = RowValues.insert(
            into: "messages_seen", rows: seen.map { seenRow($0, at: date) }, onConflict: ["message_key"], returning: "message_key", in: &statement)
        let tickets = statement.placeholder(expected.map(\.ticket.rawValue))
        let locked = try await connection.rows(
            statement.query(
                """
                WITH recorded AS (\(recorded))
                SELECT id, row_version, ARRAY(SELECT message_key FROM recorded) AS recorded FROM tickets WHERE id = ANY(\(tickets)) ORDER BY id FOR UPDATE
                """))
        let keys = Set(try locked.first?.get("recorded", as: [String].self) ?? [])
        if !locked.isEmpty, let first = seen.first(where: { !keys.contains($0.key) }) { throw StoreError.alreadySeen(first.key) }
        try checkVersions(expected, locked)
    }

    private static func seenRow(_ message: SeenMessage, at date: Date) -> RowValues {
        var values = RowValues()
        values.add("message_key", message.key)
        values.add("ticket_id", message.ticket?.rawValue)
        values.add("sender", message.sender?.value)
        values.add("disposition", message.disposition.description)
        values.add("seen_at", date)
        return values
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

    private static func updateTicket(_ id: TicketID, _ columns: RowValues, at date: Date, in statement: inout BoundStatement) -> String {
        var values = RowValues()
        values.add("updated_at", date)
        values.append(columns)
        return values.update("tickets", extra: "row_version = row_version + 1", where: "id", equals: id.rawValue, in: &statement)
    }

    static func insert(_ ticket: ReleaseTicket, _ connection: PostgresConnection) async throws {
        try await insertTicket(ticket.id, columns(ticket), createdAt: ticket.createdAt, connection)
    }

    /// The UPDATE of a release ticket's row, as a part of `statement` (``write(_:_:history:outbox:_:pruning:)``).
    static func update(_ ticket: ReleaseTicket, at date: Date, in statement: inout BoundStatement) -> [String] {
        [updateTicket(ticket.id, columns(ticket), at: date, in: &statement)]
    }

    static func insert(_ ticket: StagedRolloutTicket, _ connection: PostgresConnection) async throws {
        try await insertTicket(ticket.id, columns(ticket), createdAt: ticket.createdAt, connection)
        let (teams, links) = changedParts(of: ticket, before: nil)
        try await save(teams, links, connection)
    }

    /// The UPDATE of the ticket row, and the writes of only the team and GGUS rows that changed since `before`, as parts
    /// of `statement`; nil when they are more values than one statement should bind (``caseValueBudget``): then write
    /// them with ``update(_:from:_:at:)``.
    static func update(_ ticket: StagedRolloutTicket, from before: StagedRolloutTicket, at date: Date, in statement: inout BoundStatement) -> [String]? {
        let (teams, links) = changedParts(of: ticket, before: before)
        guard teams.count * teamColumns + links.count * 3 <= caseValueBudget else { return nil }
        return [updateTicket(ticket.id, columns(ticket), at: date, in: &statement)] + saveParts(teams, links, in: &statement)
    }

    /// The same writes, in statements of their own: the teams and GGUS links in chunks under the budget.
    static func update(_ ticket: StagedRolloutTicket, from before: StagedRolloutTicket, _ connection: PostgresConnection, at date: Date) async throws {
        var statement = BoundStatement()
        let row = updateTicket(ticket.id, columns(ticket), at: date, in: &statement)
        try await connection.execute(statement.query(row))
        let (teams, links) = changedParts(of: ticket, before: before)
        try await save(teams, links, connection)
    }

    /// Team rows and GGUS links in statements of their own, each under the budget of values.
    private static func save(_ teams: [RowValues], _ links: [RowValues], _ connection: PostgresConnection) async throws {
        for (rows, perStatement, isTeams) in [(teams, caseValueBudget / teamColumns, true), (links, caseValueBudget / 3, false)] {
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = Array(rows[start..<min(start + perStatement, rows.count)])
                var statement = BoundStatement()
                let sql = saveParts(isTeams ? chunk : [], isTeams ? [] : chunk, in: &statement)[0]
                try await connection.execute(statement.query(sql))
            }
        }
    }

    /// The most values a commit binds for a case's own rows in its one statement (postgres-nio binds at most 65,535).
    static let caseValueBudget = 30_000
    private static let teamColumns = 16

    /// The team rows (each with its position) and GGUS links (each with its position) to write: those that changed
    /// since `before`, or all of a new ticket's.
    private static func changedParts(of ticket: StagedRolloutTicket, before: StagedRolloutTicket?) -> (teams: [RowValues], links: [RowValues]) {
        // One upsert cannot write a row twice: a team listed twice keeps its last row, as writing them in turn did.
        let lastPosition = Dictionary(ticket.teams.enumerated().map { ($0.element.team, $0.offset) }, uniquingKeysWith: { _, last in last })
        var teams: [RowValues] = []
        for (position, team) in ticket.teams.enumerated() where lastPosition[team.team] == position {
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
            teams.append(values)
        }
        let linked = Set(before?.ggusTickets ?? [])
        var links: [RowValues] = []
        var added = Set<String>()
        for (position, ggus) in ticket.ggusTickets.enumerated() where !linked.contains(ggus) && added.insert(ggus).inserted {
            var values = RowValues()
            values.add("ticket_id", ticket.id.rawValue)
            values.add("ggus_ticket", ggus)
            values.add("position", position)
            links.append(values)
        }
        return (teams, links)
    }

    /// Teams and GGUS links, each kind in one multi-row INSERT: rows are replaced or added, never removed (an unassigned
    /// team keeps its row). A ticket's teams are distinct (the workflow keeps them so), as one upsert needs.
    private static func saveParts(_ teams: [RowValues], _ links: [RowValues], in statement: inout BoundStatement) -> [String] {
        var parts: [String] = []
        if let first = teams.first {
            let updates = first.names.filter { $0 != "ticket_id" && $0 != "team" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            parts.append(RowValues.insert(into: "ticket_teams", rows: teams, onConflict: ["ticket_id", "team"], update: updates, in: &statement))
        }
        if !links.isEmpty { parts.append(RowValues.insert(into: "ggus_links", rows: links, onConflict: ["ticket_id", "ggus_ticket"], in: &statement)) }
        return parts
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

    /// The writes of a commit in one statement, a `WITH` chain: `writes` (parts of `statement`: the case's rows), its
    /// history entries and outbox messages with their answers counted (``outboxParts(_:in:)``), and its timer changes
    /// (``timerParts(_:at:in:)``: those of a timer changed twice after the chain, one by one). History and outbox go in
    /// statements of their own when there are too many rows for one statement's bound values.
    static func write(
        _ writes: [String], _ statement: BoundStatement, history: [HistoryEntry], outbox: [OutgoingMessage], timers: [TimerChange],
        at date: Date, _ connection: PostgresConnection, pruning: AnswerCountPruning
    ) async throws {
        var statement = statement
        var parts = writes.enumerated().map { "case_written_\($0.offset) AS (\($0.element))" }
        let (timerParts, timersLeft) = timerParts(timers, at: date, in: &statement)
        parts += timerParts
        let together = history.count + outbox.count <= 200
        if together, !history.isEmpty {
            parts.append("history_written AS (\(RowValues.insert(into: "history", rows: history.map(historyRow), in: &statement)))")
        }
        let outboxTogether = together && !outbox.isEmpty
        if outboxTogether { parts += outboxParts(outbox, in: &statement) }
        if !parts.isEmpty {
            let rows = try await connection.rows(
                statement.query("WITH \(parts.joined(separator: ", ")) " + (outboxTogether ? "SELECT message_id FROM outbox_written" : "SELECT 1 AS written")))
            if outboxTogether { try await outboxWritten(outbox, inserted: rows, connection, pruning: pruning) }
        }
        if !together {
            try await insert(history, connection)
            try await insert(outbox, connection, pruning: pruning)
        }
        for change in timersLeft { try await apply(change, connection, at: date) }
    }

    /// Inserts outbox messages (their bytes written now: this store does not take messages still being composed), a
    /// message already there (its Message-ID) kept as it was, with the answers among those inserted counted: one
    /// statement per 500 messages.
    static func insert(_ messages: [OutgoingMessage], _ connection: PostgresConnection, pruning: AnswerCountPruning) async throws {
        for chunk in stride(from: 0, to: messages.count, by: 500).map({ Array(messages[$0..<min($0 + 500, messages.count)]) }) {
            var statement = BoundStatement()
            let parts = outboxParts(chunk, in: &statement)
            let inserted = try await connection.rows(statement.query("WITH \(parts.joined(separator: ", ")) SELECT message_id FROM outbox_written"))
            try await outboxWritten(chunk, inserted: inserted, connection, pruning: pruning)
        }
    }

    /// The parts of a `WITH` chain that insert `messages` into the outbox (`outbox_written`, returning the Message-IDs
    /// inserted) and add the answers among those inserted to the answer counts, per recipient and minute
    /// (`answers_counted`): the one place answers are counted.
    private static func outboxParts(_ messages: [OutgoingMessage], in statement: inout BoundStatement) -> [String] {
        var parts = [
            "outbox_written AS (\(RowValues.insert(into: "outbox", rows: messages.map(outboxRow), onConflict: ["message_id"], returning: "message_id", in: &statement)))"
        ]
        let tuples = messages.filter(\.kind.isAnswer).flatMap { answer in
            answer.recipients.map { recipient in
                "(\(statement.placeholder(answer.messageID)), \(statement.placeholder(recipient.key)), \(statement.placeholder(AnswerMinute.of(answer.createdAt))))"
            }
        }
        if !tuples.isEmpty {
            parts.append(
                """
                answers_counted AS (
                    INSERT INTO answer_counts (recipient, minute, answers)
                    SELECT answer.recipient, answer.minute, COUNT(*) FROM (VALUES \(tuples.joined(separator: ", "))) AS answer (message_id, recipient, minute)
                    JOIN outbox_written ON outbox_written.message_id = answer.message_id
                    GROUP BY answer.recipient, answer.minute
                    ON CONFLICT (recipient, minute) DO UPDATE SET answers = answer_counts.answers + excluded.answers)
                """)
        }
        return parts
    }

    /// After `messages` went into the outbox (`inserted`: the rows of `outbox_written`): the answer counts older than a
    /// day forgotten (once per minute the limit moves, ``AnswerCountPruning``), and a thread root another instance
    /// queued first made a conflict.
    private static func outboxWritten(
        _ messages: [OutgoingMessage], inserted rows: [PostgresRecord], _ connection: PostgresConnection, pruning: AnswerCountPruning
    ) async throws {
        let inserted = Set(try rows.map { try $0.get("message_id", as: String.self) })
        let counted = messages.filter { $0.kind.isAnswer && inserted.contains($0.messageID) && !$0.recipients.isEmpty }
        if let newest = counted.map({ AnswerMinute.of($0.createdAt) }).max() {
            try await prune(below: newest - AnswerMinute.kept, connection, pruning)
        }
        try checkThreadRoots(messages, inserted: inserted)
    }

    /// Another instance queued this person's thread root first: the transaction fails as a conflict and the event is
    /// decided again, the root then known (``OutgoingMessage/opensThread``).
    private static func checkThreadRoots(_ messages: [OutgoingMessage], inserted: Set<String>) throws {
        if let lost = messages.first(where: { $0.opensThread && !inserted.contains($0.messageID) }), let ticket = lost.ticket {
            throw StoreError.conflict(ticket)
        }
    }

    /// Forgets the answer counts below `limit`, once per limit (``AnswerCountPruning``).
    private static func prune(below limit: Int, _ connection: PostgresConnection, _ pruning: AnswerCountPruning) async throws {
        if pruning.moves(to: limit) { try await connection.execute("DELETE FROM answer_counts WHERE minute < \(limit)") }
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
