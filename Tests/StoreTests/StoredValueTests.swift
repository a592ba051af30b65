import Foundation
import GRDB
import PostgresTestServer
import RolloutCore
import RolloutGateway
@testable import StorePostgres
@testable import StoreSQLite
import Testing

/// A store a test can also write raw SQL into, as a newer version of the gateway (or a hand) would.
struct RawStore: Sendable, CustomTestStringConvertible {
    let name: String
    /// Frees the outbox rows and timers a read claimed (PostgreSQL claims what `pendingOutbox` and `dueTimers`
    /// return), so that a second read returns them again.
    let releaseClaims: String?
    /// A new, empty store, and how to run a statement on it outside the store.
    let make: @Sendable () async throws -> (store: any TicketStore & SeenMessageReader, execute: @Sendable (String) async throws -> Void)

    var testDescription: String { name }

    static let sqlite = RawStore(name: "SQLite", releaseClaims: nil) {
        let path = NSTemporaryDirectory() + "rollout-stored-\(UUID().uuidString).sqlite"
        let store = try SQLiteTicketStore(path: path)
        return (store, { sql in try DatabaseQueue(path: path).write { try $0.execute(sql: sql) } })
    }

    static let postgresql = RawStore(name: "PostgreSQL", releaseClaims: "UPDATE outbox SET claimed_until = NULL; UPDATE timers SET claimed_until = NULL") {
        let server = try PostgresServer.shared()
        let settings = try server.makeDatabase()
        let store = try PostgresTicketStore(settings: settings, password: server.password)
        server.keepRunning(try store.runner())
        try await store.migrate()
        return (store, { sql in _ = try server.psql(sql, database: settings.database) })
    }
}

/// A value the binary does not know, written into one column, and the read that must refuse it.
struct UnknownValue: Sendable, CustomTestStringConvertible {
    let table: String
    let column: String
    let value: String
    /// Writes `value` into the column of the rows the read below reads.
    let write: String
    let read: @Sendable (any TicketStore & SeenMessageReader) async throws -> Void

    var testDescription: String { "\(table).\(column) = '\(value)'" }

    static let all: [UnknownValue] = [
        UnknownValue(
            table: "timers", column: "kind", value: "frobnicate", write: "UPDATE timers SET kind = 'frobnicate' WHERE kind = 'testing-minimum'",
            read: { _ = try await $0.dueTimers(at: Date.distantFuture) }),
        UnknownValue(
            table: "history", column: "action", value: "team.frobnicated", write: "UPDATE history SET action = 'team.frobnicated'",
            read: { _ = try await $0.history(of: TicketID(2)) }),
        UnknownValue(
            table: "history", column: "cause", value: "frobnicate",
            write: "UPDATE history SET cause_kind = 'timer', cause = 'frobnicate'",
            read: { _ = try await $0.history(of: TicketID(2)) }),
        UnknownValue(
            table: "history", column: "authentication", value: "medium", write: "UPDATE history SET authentication = 'medium'",
            read: { _ = try await $0.history(of: TicketID(2)) }),
        UnknownValue(
            table: "messages_seen", column: "disposition", value: "frobnicated: because",
            write: "UPDATE messages_seen SET disposition = 'frobnicated: because'",
            read: { _ = try await $0.seenMessage("<seen@test>") }),
        UnknownValue(
            table: "outbox", column: "kind", value: "frobnicate", write: "UPDATE outbox SET kind = 'frobnicate'",
            read: { _ = try await $0.pendingOutbox(at: Date.distantFuture, limit: 1000) }),
        UnknownValue(
            table: "tickets", column: "status", value: "Frobnicated", write: "UPDATE tickets SET status = 'Frobnicated', row_version = row_version + 1",
            read: { _ = try await $0.load(TicketID(2)) }),
        UnknownValue(
            table: "ticket_teams", column: "answer", value: "maybe", write: "UPDATE ticket_teams SET answer = 'maybe'; UPDATE tickets SET row_version = row_version + 1",
            read: { _ = try await $0.load(TicketID(2)) }),
        // A staged rollout without its parent: once a crash of the process on SQLite (a NULL read as a number).
        UnknownValue(
            table: "tickets", column: "parent_id", value: "NULL",
            write: "UPDATE tickets SET parent_id = NULL, row_version = row_version + 1 WHERE queue = 'staged-rollout'",
            read: { _ = try await $0.load(TicketID(2)) }),
        UnknownValue(
            table: "tickets", column: "owner", value: "NULL",
            write: "UPDATE tickets SET owner = NULL, row_version = row_version + 1 WHERE queue = 'sw-rel'",
            read: { _ = try await $0.load(TicketID(2)) }),
        UnknownValue(
            table: "set_aside", column: "size", value: "-1", write: "UPDATE set_aside SET size = -1",
            read: { _ = try await $0.setAsideMessages() }),
        // Bytes that are not whole four-byte hashes: once cut short in silence.
        UnknownValue(
            table: "outbox", column: "text_fingerprint", value: "3 bytes (not whole hashes)",
            write: "UPDATE outbox SET text_fingerprint = substr(text_fingerprint, 1, 3) WHERE message_id = 'sent@test'",
            read: { store in
                let found = try await store.sentTextFingerprints(messageIDs: ["<sent@test>"], ticket: nil, recipient: nil, limit: 0)
                #expect(found.count == 1)
            }),
        UnknownValue(
            table: "attachments", column: "kind", value: "frobnicate",
            write: """
                INSERT INTO attachments (ticket_id, file_name, content_type, size, kind, well_named, data, received_at)
                SELECT 2, 'a.txt', 'text/plain', 0, 'frobnicate', TRUE, data, created_at FROM outbox WHERE message_id = 'sent@test'
                """,
            read: { _ = try await $0.attachments(of: TicketID(2)) }),
        // A UID past IMAP's 32 bits: once a crash of the process (a conversion that traps).
        UnknownValue(
            table: "mailbox_cursors", column: "last_uid", value: "4294967296", write: "UPDATE mailbox_cursors SET last_uid = 4294967296",
            read: { _ = try await $0.cursor(of: "INBOX") }),
        UnknownValue(
            table: "directory_history", column: "action", value: "frobnicated",
            write: "INSERT INTO directory_history (at, action, team, person, address) SELECT created_at, 'frobnicated', 't', '', '' FROM tickets WHERE id = 2",
            read: { _ = try await UnknownValue.directory($0).directoryHistory(limit: 10) }),
        UnknownValue(
            table: "directory_snapshot", column: "snapshot", value: "{not a snapshot",
            write: "INSERT INTO directory_snapshot (id, taken_at, snapshot) SELECT 1, created_at, '{not a snapshot' FROM tickets WHERE id = 2",
            read: { _ = try await UnknownValue.directory($0).directorySnapshot() }),
    ]

    /// The store's directory tables (every SQL driver keeps them).
    static func directory(_ store: any TicketStore) throws -> any DirectoryStore {
        try #require(store as? any DirectoryStore)
    }
}

/// A value a store keeps by its name is read back as the value written, and a name this binary does not know is an
/// error naming the table, the column and the value, never a default (an unknown timer kind once read as
/// `.escalation`).
@Suite("Stored values: every name read back, an unknown one refused")
struct StoredValueTests {
    /// A staged rollout with a team assigned (an answer-deadline timer), its answer, and a message recorded as seen.
    static func filled(_ store: any TicketStore) async throws {
        let test = try GatewayOverStore(store)
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        try await test.apply("accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00")
        let at = amsterdam("2026-11-27 17:00")
        let sent = OutgoingMessage(
            messageID: "sent@test", ticket: ticket, kind: .notification(.transcript), sender: EmailAddress("gw@example.org"),
            recipients: [EmailAddress("someone@example.org")], data: Array("Subject: s\r\n\r\nthe words of a sent reply\r\n".utf8),
            createdAt: at)
        try await store.recordSeen(
            SeenMessage(key: "<seen@test>", ticket: ticket, sender: nil, disposition: .message(.setAside, reason: "no ticket")),
            at: at, outbox: [sent])
        _ = try await store.keepSetAside(
            SetAsideMessage(key: "<aside@test>", sender: nil, subject: "s", reason: "no ticket", source: "stdin", receivedAt: at, bytes: [1, 2]),
            limit: 1 << 20)
        try await store.saveCursor(MailboxCursor(uidValidity: 7, lastUID: 9), of: "INBOX")
    }

    @Test("an unknown value written by raw SQL makes the read throw, naming it", arguments: [RawStore.sqlite, .postgresql], UnknownValue.all)
    func unknownValueRefused(driver: RawStore, unknown: UnknownValue) async throws {
        let (store, execute) = try await driver.make()
        try await Self.filled(store)
        // The control: before the foreign value, the read succeeds.
        try await unknown.read(store)
        try await execute(unknown.write)
        if let release = driver.releaseClaims { try await execute(release) }
        let error = await #expect(throws: StoreError.self) { try await unknown.read(store) }
        #expect(error == .unknownValue(table: unknown.table, column: unknown.column, value: unknown.value))
        let text = "\(try #require(error))"
        #expect(text.contains("\(unknown.table).\(unknown.column)") && text.contains("'\(unknown.value)'"))
    }

    @Test("every history action, timer kind and disposition is read back as written", arguments: drivers)
    func everyValueRoundTrips(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let reader = try #require(store as? any SeenMessageReader)
        let test = try GatewayOverStore(store)
        let (_, ticket) = try await test.staged()
        let base = try #require(try await store.load(ticket))
        let at = amsterdam("2026-11-28 10:00")
        var decision = Decision(state: base.rolloutCase)
        let causes: [Cause] = [.message(id: "<m@test>"), .operatorAction("release stage")] + TimerKind.allCases.map { .timer($0) }
        let levels: [AuthenticationLevel?] = [nil, .strong, .weak, .local]
        decision.history = HistoryAction.allCases.enumerated().map { index, action in
            HistoryEntry(
                ticket: ticket, at: at, cause: causes[index % causes.count], actor: EmailAddress("mario.david@lip.example.org"),
                authentication: levels[index % levels.count], action: action, detail: "entry \(index)")
        }
        let team = try #require(TeamName("ea-NGI_IT-INFN-T1"))
        decision.timers = TimerKind.allCases.map { .schedule(TimerKey(ticket: ticket, kind: $0, team: $0 == .escalation ? nil : team), at: at) }
        try await store.commit(StoreCommit(base: base, decision: decision, outbox: []))

        let written = try await store.history(of: ticket).suffix(decision.history.count)
        #expect(written.map(\.action) == HistoryAction.allCases)
        #expect(written.map(\.cause) == decision.history.map(\.cause))
        #expect(written.map(\.authentication) == decision.history.map(\.authentication))
        let due = try await store.dueTimers(at: at).filter { $0.key.ticket == ticket }
        #expect(Set(due.map(\.key.kind)) == Set(TimerKind.allCases))

        let dispositions: [SeenDisposition] =
            [.message(.setAside, reason: "a reason: with a colon"), .message(.setAside, reason: ""), .replayKey(of: "<first@test>")]
            + [InboundPolicy.Disposition.applied, .duplicate, .loop, .autoReply, .bounce, .setAside].map { .message($0, reason: nil) }
        for (index, disposition) in dispositions.enumerated() {
            try await store.recordSeen(SeenMessage(key: "<d\(index)@test>", ticket: nil, sender: nil, disposition: disposition), at: at)
        }
        var read: [SeenDisposition] = []
        for index in dispositions.indices { read.append(try #require(try await reader.seenMessage("<d\(index)@test>")).disposition) }
        #expect(read == dispositions)
        #expect(try await reader.seenMessage("<never@test>") == nil)
    }

    @Test("every outbox kind is read back as written", arguments: drivers)
    func everyOutboxKindRoundTrips(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let at = amsterdam("2026-11-28 10:00")
        let kinds = NotificationKind.allCases.map(OutboxKind.notification) + [.errorReply]
        let messages = kinds.enumerated().map { index, kind in
            OutgoingMessage(
                messageID: "<k\(index)@test>", ticket: nil, kind: kind, sender: EmailAddress("gw@example.org"),
                recipients: [EmailAddress("someone\(index)@example.org")], data: Array("Subject: \(index)\r\n\r\nbody\r\n".utf8),
                createdAt: at)
        }
        try await store.recordSeen(
            SeenMessage(key: "<kinds@test>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: at,
            outbox: messages)
        let pending = try await store.pendingOutbox(at: at, limit: 1000)
        #expect(pending.map(\.kind) == kinds)
    }

    @Test("a stored disposition's text is today's, and parses back strictly")
    func dispositionText() throws {
        let cases: [(SeenDisposition, String)] = [
            (.message(.applied, reason: nil), "applied"), (.message(.autoReply, reason: nil), "auto-reply"),
            (.message(.setAside, reason: "no ticket or sender"), "set-aside: no ticket or sender"),
            (.message(.loop, reason: "X-Loop: ours"), "loop: X-Loop: ours"), (.replayKey(of: "<a@b>"), "replay-key: <a@b>"),
        ]
        for (disposition, text) in cases {
            #expect(disposition.description == text)
            #expect(try SeenDisposition(stored: text, table: "messages_seen", column: "disposition") == disposition)
        }
        for text in ["", "Applied", "replay-key", "set-aside:no space", "bench"] {
            #expect(throws: StoreError.unknownValue(table: "messages_seen", column: "disposition", value: text)) {
                try SeenDisposition(stored: text, table: "messages_seen", column: "disposition")
            }
        }
    }
}
