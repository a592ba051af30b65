import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// The ports of a transaction (``StoreTransaction``), with the semantics of the SQLite store.
extension PostgresTransaction {
    // MARK: Tickets

    public func reserveTicketID() async throws -> TicketID {
        let now = clock.now()
        return try await run { connection in try await Self.reserve(connection, at: now) }
    }

    static func reserve(_ connection: PostgresConnection, at date: Date) async throws -> TicketID {
        TicketID(try await connection.rows("INSERT INTO ticket_sequence (reserved_at) VALUES (\(date)) RETURNING id")[0].get("id", as: Int.self))
    }

    public func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at date: Date, cause: Cause) async throws -> ReleaseTicket {
        try await atomically { connection in
            let id = try await Self.reserve(connection, at: date)
            let ticket = ReleaseTicket(id: id, release: release, links: links, createdAt: date)
            try await Self.insert(ticket, connection)
            try await Self.insert(
                HistoryEntry(
                    ticket: id, at: date, cause: cause, authentication: .local, action: .created,
                    detail: "created: \(ticket.title) (status InVerification)"), connection)
            return ticket
        }
    }

    public func load(_ ticket: TicketID) async throws -> StoredCase? {
        try await read { connection in try await Self.load(ticket, connection) }
    }

    // MARK: Commit

    public func commit(_ commit: StoreCommit) async throws {
        let clockNow = clock.now()
        try await atomically { connection in
            let now = commit.decision.history.first?.at ?? commit.outbox.first?.createdAt ?? clockNow
            let before = commit.base.rolloutCase
            let after = commit.decision.state
            var expected = [(ticket: before.release.id, version: commit.base.releaseVersion)]
            if let rolloutID = before.rollout?.id, let version = commit.base.rolloutVersion { expected.append((rolloutID, version)) }
            // First, so that a second instance applying the same message waits here for the first one's outcome.
            try await Self.recordSeenAndLock(commit.seen?.rows ?? [], at: now, expected, connection)
            // The case's rows, its history, outbox messages and timer changes in one statement (a new rollout's row first, by itself).
            var statement = BoundStatement()
            var writes: [String] = []
            if before.release != after.release { writes += Self.update(after.release, at: now, in: &statement) }
            if let rollout = after.rollout {
                if before.rollout == nil {
                    try await Self.insert(rollout, connection)
                } else if let previous = before.rollout, previous != rollout {
                    if let parts = Self.update(rollout, from: previous, at: now, in: &statement) {
                        writes += parts
                    } else {
                        try await Self.update(rollout, from: previous, connection, at: now)
                    }
                }
            }
            if let fired = commit.firedTimer {
                // Another instance may have fired it since it was read as due (and scheduled its repeat, not due yet): then
                // this firing is void. Before the decision's timer changes, which may schedule its repeat.
                let settled = try await connection.rows(
                    """
                    UPDATE timers SET state = 'fired', settled_at = \(now), claimed_until = NULL
                    WHERE ticket_id = \(fired.ticket.rawValue) AND kind = \(fired.kind.rawValue) AND team = \(fired.team?.description ?? "")
                      AND state = 'pending' AND (\(commit.firedTimerDueAt)::timestamptz IS NULL OR due_at = \(commit.firedTimerDueAt))
                    RETURNING 1 AS one
                    """)
                guard settled.count == 1 else { throw StoreError.alreadySeen("timer \(fired.kind.rawValue) of ticket \(fired.ticket)") }
            }
            try await Self.write(
                writes, statement, history: commit.decision.history, outbox: commit.outbox, timers: commit.decision.timers, at: now,
                connection, pruning: store.answerCountPruning)
            let attachmentTicket = after.rollout?.id ?? after.release.id
            for attachment in commit.attachments {
                try await Self.insert(attachment, ticket: attachmentTicket, messageKey: commit.seen?.key, connection, at: now)
            }
        }
    }

    public func recordSeen(_ message: SeenMessage, at date: Date, outbox: [OutgoingMessage]) async throws {
        try await atomically { connection in
            guard try await Self.insertSeen(message, connection, at: date) else { throw StoreError.alreadySeen(message.key) }
            try await Self.insert(outbox, connection, pruning: store.answerCountPruning)
        }
    }

    /// One statement (``HotSQL/Lookup``); answers counted in whole minutes, as the SQLite store: at most 60 rows read.
    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date, sentText: SentTextRequest?)
        async throws -> InboundLookup
    {
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(messageKey)
        bindings.append(sender?.key)
        bindings.append(AnswerMinute.of(answersSince))
        bindings.append(ticket?.rawValue)
        bindings.append(SentTextRequest.storedMessageIDs(sentText?.messageIDs ?? []))
        bindings.append(sentText?.limit ?? 0)
        let records = try await read { connection in try await connection.rows(HotSQL.Lookup.self, bindings) }
        var fingerprints: [OwnTextFingerprint] = []
        for record in records { fingerprints += try Self.sentText(in: record, column: "sent_text") }
        return InboundLookup(
            seen: try records[0].get("seen_before", as: Bool.self), stored: try ticket.flatMap { try Self.storedCase($0, from: records) },
            answersToSender: try records[0].get("answers_to_sender", as: Int.self), sentText: fingerprints)
    }

    static func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date, _ connection: PostgresConnection) async throws -> Int {
        try await connection.rows(
            """
            SELECT COUNT(*) AS n FROM outbox
            WHERE kind = \(kind.rawValue) AND created_at >= \(since) AND strpos(E'\\n' || lower(recipients) || E'\\n', \("\n\(address.key)\n")) > 0
            """)[0].get("n")
    }

    public func outboxCount(to address: EmailAddress, kind: OutboxKind, since: Date) async throws -> Int {
        try await read { connection in try await Self.outboxCount(to: address, kind: kind, since: since, connection) }
    }

    public func hasSeen(_ key: String) async throws -> Bool {
        try await read { connection in try await Self.seen(key, connection) }
    }

    // MARK: Timers

    /// Timers due at `now`, claimed for `claimSeconds`: another instance does not get them until they fire, are
    /// settled, or the claim expires.
    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await run { connection in
            try await connection.rows(
                """
                UPDATE timers SET claimed_until = clock_timestamp() + make_interval(secs => \(Double(claimSeconds)))
                WHERE (ticket_id, kind, team) IN (
                    SELECT ticket_id, kind, team FROM timers
                    WHERE state = 'pending' AND due_at <= \(now) AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
                    ORDER BY due_at, ticket_id, kind, team
                    FOR UPDATE SKIP LOCKED)
                RETURNING ticket_id, kind, team, due_at
                """
            ).map(Self.timer).sorted { ($0.dueAt, $0.key.ticket.rawValue, $0.key.kind.rawValue, $0.key.team?.description ?? "") < ($1.dueAt, $1.key.ticket.rawValue, $1.key.kind.rawValue, $1.key.team?.description ?? "") }
        }
    }

    public func anyTimerDue(at now: Date) async throws -> Bool {
        try await run { connection in
            try await connection.rows("SELECT 1 FROM timers WHERE state = 'pending' AND due_at <= \(now) LIMIT 1").isEmpty == false
        }
    }

    public func timers(of ticket: TicketID) async throws -> [DueTimer] {
        try await read { connection in
            try await connection.rows("SELECT * FROM timers WHERE state = 'pending' AND ticket_id = \(ticket.rawValue) ORDER BY due_at, kind, team")
                .map(Self.timer)
        }
    }

    public func markFired(_ key: TimerKey, at date: Date) async throws {
        try await run { connection in
            try await connection.execute(
                """
                UPDATE timers SET state = 'fired', settled_at = \(date), claimed_until = NULL
                WHERE ticket_id = \(key.ticket.rawValue) AND kind = \(key.kind.rawValue) AND team = \(key.team?.description ?? "")
                """)
        }
    }

    // MARK: Reading

    public func ticketSummaries() async throws -> [TicketSummary] {
        try await read { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "SELECT \(TicketRow.selection) FROM tickets ORDER BY id")).map {
                try PostgresRowDecoder.decode(TicketRow.self, from: $0).ticketSummary()
            }
        }
    }

    public func history(of ticket: TicketID) async throws -> [HistoryEntry] {
        try await read { connection in
            try await connection.rows("SELECT * FROM history WHERE ticket_id = \(ticket.rawValue) ORDER BY id").map(Self.historyEntry)
        }
    }

    public func relayedComments(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> Int {
        try await read { connection in
            var bindings = Self.binds(ticket.rawValue)
            bindings.append(actor.key)
            bindings.append(since)
            return try await connection.rows(HotSQL.RelayedComments.self, bindings)[0].get("n")
        }
    }

    public func relayWindow(on ticket: TicketID, by actor: EmailAddress, since: Date) async throws -> RelayWindow {
        try await read { connection in
            var bindings = Self.binds(ticket.rawValue)
            bindings.append(actor.key)
            bindings.append(since)
            let row = try await connection.rows(HotSQL.RelayWindowFacts.self, bindings)[0]
            return RelayWindow(relayedLastHour: try row.get("n"), heldWaiting: try row.get("held"))
        }
    }

    /// One statement (``HotSQL/ReplyFacts``).
    public func replyFacts(replayKeys: [String], relayOn ticket: TicketID?, by actor: EmailAddress?, since: Date) async throws -> ReplyFacts {
        var bindings = PostgresBindings(capacity: 3 + HotSQL.replayKeysAtOnce)
        bindings.append(ticket?.rawValue)
        bindings.append(actor?.key)
        bindings.append(since)
        for index in 0..<HotSQL.replayKeysAtOnce { bindings.append(index < replayKeys.count ? replayKeys[index] : "") }
        return try await read { connection in
            let row = try await connection.rows(HotSQL.ReplyFacts.self, bindings)[0]
            var replayed: Bool = try row.get("replayed")
            for key in replayKeys.dropFirst(HotSQL.replayKeysAtOnce) where !replayed { replayed = try await Self.seen(key, connection) }
            var window: RelayWindow?
            if ticket != nil, actor != nil { window = RelayWindow(relayedLastHour: try row.get("n"), heldWaiting: try row.get("held")) }
            return ReplyFacts(replayed: replayed, relayWindow: window)
        }
    }

    public func attachments(of ticket: TicketID) async throws -> [StoredAttachment] {
        try await read { connection in
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(AttachmentRow.selection) FROM attachments WHERE ticket_id = $1 ORDER BY id", binds: Self.binds(ticket.rawValue))
            ).map { try PostgresRowDecoder.decode(AttachmentRow.self, from: $0).attachment() }
        }
    }

    public func attachmentSummaries(of ticket: TicketID) async throws -> [AttachmentSummary] {
        try await read { connection in
            try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(AttachmentSummaryRow.selection(length: "octet_length")) FROM attachments WHERE ticket_id = $1 ORDER BY id",
                    binds: Self.binds(ticket.rawValue))
            ).map { try PostgresRowDecoder.decode(AttachmentSummaryRow.self, from: $0).summary() }
        }
    }

    // MARK: Outbox

    /// Messages ready to go at `now`, oldest first, claimed for `claimSeconds`: another instance does not get them
    /// until their delivery is recorded, they are postponed, or the claim expires.
    public func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] {
        try await run { connection in
            try await connection.rows(
                """
                UPDATE outbox SET claimed_until = clock_timestamp() + make_interval(secs => \(Double(claimSeconds)))
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= \(now)
                      AND (claimed_until IS NULL OR claimed_until < clock_timestamp())
                    ORDER BY id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """
            ).map(Self.outgoing).sorted { ($0.rowID ?? 0) < ($1.rowID ?? 0) }
        }
    }

    public func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at date: Date) async throws {
        guard let rowID = message.rowID else { return }
        guard let record = DeliveryRecord.after(outcome, of: message, at: date, maxAttempts: maxDeliveryAttempts) else {
            // Not the message's fault: it stays queued as it was, free for the next run (of any instance).
            try await run { connection in try await connection.execute("UPDATE outbox SET claimed_until = NULL WHERE id = \(Int(rowID))") }
            return
        }
        try await run { connection in
            try await connection.execute(
                """
                UPDATE outbox SET attempts = \(record.attempts), sent_at = \(record.sentAt), failed_at = \(record.failedAt),
                  next_attempt_at = \(record.nextAttemptAt), last_error = \(record.lastError), claimed_until = NULL
                WHERE id = \(Int(rowID)) AND sent_at IS NULL AND failed_at IS NULL
                """)
        }
    }

    public func deliveredCount(to address: EmailAddress, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        let every = kinds == nil
        let names = (kinds ?? []).map(\.rawValue)
        return try await read { connection in
            try await connection.rows(
                "SELECT COUNT(*) AS n FROM outbox WHERE sent_at >= \(since) AND strpos(E'\\n' || lower(recipients) || E'\\n', \("\n\(address.key)\n")) > 0 AND (\(every) OR kind = ANY(\(names)))")[0]
                .get("n")
        }
    }

    public func deliveredCount(ticket: TicketID, kinds: [OutboxKind]?, since: Date) async throws -> Int {
        let every = kinds == nil
        let names = (kinds ?? []).map(\.rawValue)
        return try await read { connection in
            try await connection.rows(
                "SELECT COUNT(DISTINCT (kind, created_at)) AS n FROM outbox WHERE sent_at >= \(since) AND ticket_id = \(ticket.rawValue) AND (\(every) OR kind = ANY(\(names)))")[0].get("n")
        }
    }

    public func queuedCount(ticket: TicketID, kind: OutboxKind, since: Date) async throws -> Int {
        try await read { connection in
            try await connection.rows(
                "SELECT COUNT(*) AS n FROM outbox WHERE kind = \(kind.rawValue) AND created_at >= \(since) AND ticket_id = \(ticket.rawValue)")[0].get("n")
        }
    }

    public func postpone(_ message: OutgoingMessage, until date: Date) async throws {
        guard let rowID = message.rowID else { return }
        try await run { connection in
            try await connection.execute("UPDATE outbox SET next_attempt_at = \(date), claimed_until = NULL WHERE id = \(Int(rowID))")
        }
    }

    public func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) {
        let row = try await read { connection in
            try await connection.rows(
                """
                SELECT
                  COUNT(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL) AS queued,
                  COUNT(*) FILTER (WHERE sent_at IS NOT NULL) AS sent,
                  COUNT(*) FILTER (WHERE failed_at IS NOT NULL) AS failed
                FROM outbox
                """)[0].row
        }
        return (try row["queued"].decode(Int.self), try row["sent"].decode(Int.self), try row["failed"].decode(Int.self))
    }
}
