import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import Testing

/// `store.withTransaction { tx in … }` means the same on every driver (issue 19): all of it or nothing of it, a
/// nested transaction undone alone, set-aside replay all or nothing, and a failed message of an ingest group leaving
/// the others committed.
@Suite("Store conformance: transactions")
struct TransactionConformanceTests {
    struct Stop: Error {}

    static let paolo = "paolo.veronesi@cnaf.example.org"
    static let mario = "mario.david@lip.example.org"

    /// Everything a store shows through its ports (and, for stores that can be copied, every row of every table), as
    /// text to compare before and after.
    static func contents(of store: any TicketStore, tickets: [TicketID], keys: [String]) async throws -> [String] {
        var lines: [String] = []
        lines.append("summaries \(try await store.ticketSummaries())")
        for ticket in tickets {
            lines.append("case \(ticket) \(String(describing: try await store.load(ticket)))")
            lines.append("history \(ticket) \(try await store.history(of: ticket))")
            lines.append("timers \(ticket) \(try await store.timers(of: ticket))")
            lines.append("attachments \(ticket) \(try await store.attachments(of: ticket))")
            lines.append("attachment summaries \(ticket) \(try await store.attachmentSummaries(of: ticket))")
        }
        lines.append("outbox \(try await store.pendingOutbox(at: .distantFuture, limit: 10_000))")
        lines.append("held \(try await store.heldOutbox())")
        lines.append("counts \(try await store.outboxCounts())")
        lines.append("due \(try await store.dueTimers(at: .distantFuture))")
        lines.append("set aside \(try await store.setAsideMessages())")
        for key in keys { lines.append("seen \(key) \(try await store.hasSeen(key))") }
        if let copied = store as? any StoreTransfer {
            for table in try await copied.exportTables() { lines.append("table \(table.name) \(table.rows)") }
        }
        return lines
    }

    static func setAside(_ key: String, at date: Date) -> SetAsideMessage {
        SetAsideMessage(
            key: key, sender: paolo, subject: "kept", reason: "names no ticket", source: "test", receivedAt: date,
            bytes: Array("Message-ID: \(key)\r\n\r\nkept\r\n".utf8))
    }

    static func answer(_ id: String, at date: Date) -> OutgoingMessage {
        OutgoingMessage(
            messageID: id, ticket: nil, kind: .notification(.transcript), sender: EmailAddress("staged-rollout@rollout.example.org"),
            recipients: [EmailAddress(paolo)], data: Array("Message-ID: <\(id)>\r\nSubject: answer\r\n\r\nbody\r\n".utf8), createdAt: date)
    }

    /// A message from Paolo that names no ticket (set aside when ingested).
    static func untagged(_ id: String) -> [UInt8] {
        Array(
            """
            From: Paolo Veronesi <\(paolo)>\r
            To: staged-rollout@rollout.example.org\r
            Subject: EMI DPM test\r
            Message-ID: <\(id)>\r
            Date: Thu, 26 Nov 2026 10:00:00 +0100\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            accept NGI_IT-INFN-T1\r

            """.utf8)
    }

    /// The group of three of the loop tests, the second failing once its seen record is written and kept.
    static let group = ["first@cnaf.example.org", "second@cnaf.example.org", "third@cnaf.example.org"]

    static func failingSecond(_ store: any StoreTransaction) -> FaultyStore {
        FaultyStore(inner: store) { write in
            if case .recordSeen(let seen) = write { return seen.key == "<second@cnaf.example.org>" }
            return false
        }
    }

    /// Hands untagged messages of `ids` to `loop`, numbered in order.
    static func handOver<Source: IngestSource>(_ ids: [String], to loop: IngestLoop<Source>) async throws where Source.Handle == Int {
        for (index, id) in ids.enumerated() {
            let raw = untagged(id)
            try await loop.add(index, size: raw.count, source: "test \(index)", read: { raw })
        }
    }

    @Test("a transaction that writes through every port it offers and then throws keeps nothing", arguments: drivers)
    func throwingKeepsNothing(driver: StoreDriver) async throws {
        // Given: a staged rollout with a team assigned (outbox rows, timers), a set-aside message and a seen one
        let place = try driver.makePlace()
        let store = try await place.open()
        let test = try GatewayOverStore(store)
        let (release, rollout) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: Self.mario, at: "2026-11-27 15:00")
        let now = test.clock.now
        _ = try await store.keepSetAside(Self.setAside("<old@test>", at: now), limit: 1 << 20)
        try await store.recordSeen(SeenMessage(key: "<old@test>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: now)
        let keptID = try #require(try await store.setAsideMessages().first?.id)
        let keys = ["<old@test>", "<accept@test>", "<seen@test>", "<new@test>"]
        // (Read twice: on PostgreSQL the first read claims the due outbox rows and timers, which the second then sees
        // taken, as every read after the transaction does.)
        _ = try await Self.contents(of: store, tickets: [release, rollout, TicketID(3)], keys: keys)
        let before = try await Self.contents(of: store, tickets: [release, rollout, TicketID(3)], keys: keys)
        let timer = try #require(try await store.timers(of: rollout).first)

        // When: one transaction commits a decision (outbox, seen, attachment), records a message seen with an answer,
        // keeps and drops set-aside mail, holds, postpones and delivers outbox rows, fires a timer, creates a ticket,
        // reads all of it back, and throws
        test.clock.now = amsterdam("2026-11-27 16:00")
        await #expect(throws: Stop.self) {
            try await store.withTransaction { transaction in
                let report = try await test.gateway.within(transaction, collecting: AfterCommit()).apply(
                    to: rollout, sender: Sender(address: EmailAddress(Self.paolo), authentication: .strong), text: "accept NGI_IT-INFN-T1",
                    attachments: [IncomingAttachment(fileName: "screenshot.png", bytes: [1, 2, 3])], cause: .message(id: "<accept@test>"),
                    seen: SeenMessage(key: "<accept@test>", ticket: rollout, sender: EmailAddress(Self.paolo), disposition: .message(.applied, reason: nil)))
                #expect(report.notifications > 0)
                try await transaction.recordSeen(
                    SeenMessage(key: "<seen@test>", ticket: nil, sender: nil, disposition: .message(.autoReply, reason: nil)), at: now,
                    outbox: [Self.answer("answer.1@rollout.example.org", at: now)])
                _ = try await transaction.keepSetAside(Self.setAside("<new@test>", at: now), limit: 1 << 20)
                #expect(try await transaction.dropSetAside(keptID, forgettingSeen: true))
                let pending = try await transaction.pendingOutbox(at: .distantFuture, limit: 100)
                #expect(pending.count >= 3)
                try await transaction.hold(pending[0], until: now.addingTimeInterval(900), reason: "test cap")
                try await transaction.postpone(pending[1], until: now.addingTimeInterval(900))
                try await transaction.recordDelivery(.delivered, for: pending[2], at: now)
                try await transaction.markFired(timer.key, at: now)
                _ = try await transaction.createRelease(
                    ComponentRelease(stack: "EMI-1.0", component: "CREAM", version: "1.0", os: "SL5", architecture: "x86_64"),
                    links: ReleaseLinks(releaseNotes: "n", fixedBugs: "b", documentation: "d"), at: now, cause: .operatorAction("release new"))

                // Within it, every read sees what it wrote
                #expect(try await transaction.hasSeen("<accept@test>"))
                #expect(try await transaction.hasSeen("<seen@test>"))
                #expect(try await !transaction.hasSeen("<old@test>"))
                #expect(try await transaction.setAsideMessages().map(\.key) == ["<new@test>"])
                #expect(try await transaction.heldOutbox().map(\.messageID) == [pending[0].messageID])
                #expect(try await transaction.outboxCounts().sent == 1)
                #expect(try await transaction.attachments(of: rollout).map(\.verdict.fileName) == ["screenshot.png"])
                // The listing without the bytes says the same, the size measured by the store.
                let kept = try await transaction.attachments(of: rollout)
                #expect(try await transaction.attachmentSummaries(of: rollout) == kept.map(AttachmentSummary.init))
                #expect(kept.first.map { $0.bytes.count > 0 } == true)
                #expect(try await !transaction.timers(of: rollout).contains(timer))
                #expect(try await transaction.ticketSummaries().count == 3)
                throw Stop()
            }
        }

        // Then: the store holds exactly what it held before
        #expect(try await Self.contents(of: store, tickets: [release, rollout, TicketID(3)], keys: keys) == before)
        // and a second handle (another process) sees the same
        #expect(try await Self.contents(of: try await place.open(), tickets: [release, rollout, TicketID(3)], keys: keys) == before)
    }

    @Test("a nested transaction that throws undoes its own writes only; one that returns is kept with its parent", arguments: drivers)
    func nestedUndoesItsOwn(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        let historyBefore = try await store.history(of: rollout)
        let now = test.clock.now

        try await store.withTransaction { outer in
            try await outer.recordSeen(SeenMessage(key: "<outer@test>", ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
            await #expect(throws: Stop.self) {
                try await outer.withTransaction { inner in
                    try await inner.recordSeen(SeenMessage(key: "<inner@test>", ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
                    _ = try await inner.keepSetAside(Self.setAside("<inner@test>", at: now), limit: 1 << 20)
                    _ = try await test.gateway.within(inner, collecting: AfterCommit()).apply(
                        to: rollout, sender: Sender(address: EmailAddress(Self.mario), authentication: .strong), text: "assign NGI_IT-INFN-T1",
                        cause: .message(id: "<inner-assign@test>"))
                    #expect(try await inner.hasSeen("<outer@test>"))
                    throw Stop()
                }
            }
            // The outer transaction goes on without the inner's writes, and keeps a later nested one that returns.
            #expect(try await !outer.hasSeen("<inner@test>"))
            #expect(try await outer.history(of: rollout) == historyBefore)
            try await outer.withTransaction { kept in
                try await kept.recordSeen(SeenMessage(key: "<kept@test>", ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
            }
        }

        #expect(try await store.hasSeen("<outer@test>"))
        #expect(try await store.hasSeen("<kept@test>"))
        #expect(try await !store.hasSeen("<inner@test>"))
        #expect(try await store.setAsideMessages().isEmpty)
        #expect(try await store.history(of: rollout) == historyBefore)
        #expect(try await store.load(rollout)?.rolloutCase.rollout?.teams.isEmpty == true)
    }

    @Test("a nested transaction that returned is undone with its parent when the parent throws, and kept when it returns", arguments: drivers)
    func keptNestedUndoneWithParent(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let now = Date()
        func seen(_ key: String) -> SeenMessage { SeenMessage(key: key, ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)) }
        try await store.withTransaction { group in
            await #expect(throws: Stop.self) {
                try await group.withTransaction { message in
                    try await message.withTransaction { inner in try await inner.recordSeen(seen("<inner-returned@test>"), at: now) }
                    #expect(try await message.hasSeen("<inner-returned@test>"))
                    throw Stop()
                }
            }
            #expect(try await !group.hasSeen("<inner-returned@test>"))
            try await group.withTransaction { message in
                try await message.withTransaction { inner in try await inner.recordSeen(seen("<inner-kept@test>"), at: now) }
            }
        }
        #expect(try await !store.hasSeen("<inner-returned@test>"))
        #expect(try await store.hasSeen("<inner-kept@test>"))
    }

    @Test("set-aside replay is all or nothing: when the ingest in it fails, the kept copy and its seen record stay", arguments: drivers)
    func replayAllOrNothing(driver: StoreDriver) async throws {
        // Given: a message set aside (it names no ticket)
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: Self.mario, at: "2026-11-27 15:00")
        let raw = Self.untagged("replayed@cnaf.example.org")
        let ingest = Ingest(gateway: test.gateway, parser: GMimeMailParser())
        #expect(try await ingest.ingest(raw).disposition == .setAside)
        let id = try #require(try await store.setAsideMessages().first?.id)

        // When: it is replayed onto the ticket, and every write of the ingest in the replay fails once done and kept
        let faulty = FaultyStore(inner: store) { _ in true }
        let failing = try test.ingest(over: faulty)
        await #expect(throws: FaultyStore.Injected.self) { _ = try await failing.replaySetAside(id, ticket: rollout) }

        // Then: the kept copy, its bytes and its seen record are all still there, and the ticket is unchanged
        #expect(try await store.setAsideMessage(id)?.bytes == raw)
        #expect(try await store.hasSeen("<replayed@cnaf.example.org>"))
        #expect(try await store.load(rollout)?.rolloutCase.rollout?.assignment(of: TeamName("NGI_IT-INFN-T1")!)?.answer == nil)
        // and the control case: replayed without the failure, it is applied and leaves the set-aside mail
        #expect(try await ingest.replaySetAside(id, ticket: rollout)?.disposition == .applied)
        #expect(try await store.setAsideMessages().isEmpty)
    }

    @Test("ingest loop: a message that fails inside a group leaves nothing, and the others of the group are committed", arguments: drivers)
    func groupMemberFails(driver: StoreDriver) async throws {
        // Given: a group of three messages, the second of which fails once its seen record is written and kept
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        _ = try await test.staged()
        let ids = Self.group
        let faulty = Self.failingSecond(store)
        let ingest = try test.ingest(over: faulty)
        let source = ListIngestSource()
        let loop = IngestLoop(ingest: ingest, source: source, groupSize: 3)

        // When: the loop applies them as one group
        try await loop.run { try await Self.handOver(ids, to: loop) }

        // Then: the second failed and left nothing; the first and third are committed and released
        #expect(await source.failed == [1])
        #expect(await source.released == [0, 2])
        #expect(try await store.hasSeen("<first@cnaf.example.org>"))
        #expect(try await !store.hasSeen("<second@cnaf.example.org>"))
        #expect(try await store.hasSeen("<third@cnaf.example.org>"))
        #expect(try await store.setAsideMessages().map(\.key) == ["<first@cnaf.example.org>", "<third@cnaf.example.org>"])
    }

    @Test("a write of another task while a transaction is open is kept, whether the transaction commits or throws", arguments: drivers)
    func otherWritesKept(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let now = amsterdam("2026-11-27 15:00")
        for throwing in [false, true] {
            let (entered, entering) = AsyncStream<Void>.makeStream()
            var other: Task<Void, any Error>?
            do {
                try await store.withTransaction { transaction in
                    try await transaction.recordSeen(
                        SeenMessage(key: "<inside-\(throwing)@test>", ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
                    other = Task {
                        entering.yield()
                        try await store.recordSeen(
                            SeenMessage(key: "<outside-\(throwing)@test>", ticket: nil, sender: nil, disposition: .message(.loop, reason: nil)), at: now)
                    }
                    for await _ in entered { break }
                    // Long enough for the other write to be under way (waiting) while this one is open.
                    try await Task.sleep(for: .milliseconds(50))
                    if throwing { throw Stop() }
                }
            } catch is Stop {}
            try await #require(other).value
            #expect(try await store.hasSeen("<outside-\(throwing)@test>"))
            #expect(try await store.hasSeen("<inside-\(throwing)@test>") == !throwing)
        }
    }
}
