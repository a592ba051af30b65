import Foundation
import GRDB
import GRDBSQLite
import RolloutCore
import RolloutGateway
@testable import StoreSQLite
import Testing

@Suite("SQLite store")
struct StoreTests {
    @Test("state survives reopening the SQLite file")
    func survivesReopening() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        _ = try await test.apply("accept NGI_IT-INFN-T1\nggus 4242", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-30 10:00")
        let before = try await test.store.load(ticket)
        let history = try await test.store.history(of: ticket)

        let reopened = try SQLiteTicketStore(path: test.configuration.storePath)
        let after = try await reopened.load(ticket)
        #expect(after?.rolloutCase == before?.rolloutCase)
        #expect(after?.rolloutCase.rollout?.ggusTickets == ["4242"])
        #expect(try await reopened.history(of: ticket) == history)
        #expect(try await reopened.timers(of: ticket).count == 3)  // Germany's answer deadline, Italy's testing window
    }

    @Test("a commit on a ticket that changed meanwhile is refused whole")
    func conflict() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        let stale = try #require(try await test.store.load(ticket))
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let historyBefore = try await test.store.history(of: ticket).count
        let outboxBefore = try await test.store.outboxCounts().queued

        let decision = Workflow(context: test.configuration.workflow).decide(
            stale.rolloutCase,
            .message(MessageEvent(queue: .stagedRollout, sender: Sender(address: EmailAddress("mario.david@lip.example.org"), authentication: .weak), cause: .message(id: "<x@y>"), text: "assign NGI_DE-FZK-LCG2")),
            now: amsterdam("2026-11-27 15:01"))
        let outbox = try test.gateway.renderer.render(decision, cause: .message(id: "<x@y>"), now: amsterdam("2026-11-27 15:01"))
        await #expect(throws: StoreError.conflict(ticket)) {
            try await test.store.commit(StoreCommit(base: stale, decision: decision, outbox: outbox, seen: SeenMessage(key: "<x@y>", ticket: ticket, sender: nil, disposition: .message(.applied, reason: nil))))
        }
        #expect(try await test.store.history(of: ticket).count == historyBefore)
        #expect(try await test.store.outboxCounts().queued == outboxBefore)
        #expect(try await test.store.hasSeen("<x@y>") == false)
    }

    @Test("a transaction sees its own commits; other connections see them when it ends")
    func batchVisibility() async throws {
        // Given: a staged ticket, and a second store on the same file (another process)
        let test = try TestGateway()
        let ticket = try await test.staged()
        let other = try SQLiteTicketStore(path: test.configuration.storePath)
        let historyBefore = try await other.history(of: ticket).count

        // When: two commands in one transaction
        let inside = try await test.store.withTransaction { transaction in
            _ = try await test.apply(
                "assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", within: transaction)
            _ = try await test.apply(
                "accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00", within: transaction)
            return (try await transaction.load(ticket), try await other.history(of: ticket).count)
        }

        // Then: the second command was decided on the first's state; the other store saw nothing until the end
        #expect(inside.0?.rolloutCase.rollout?.assignment(of: TeamName("ea-NGI_IT-INFN-T1")!)?.answer == .accepted)
        #expect(inside.1 == historyBefore)
        #expect(try await other.history(of: ticket).count > historyBefore)
        #expect(try await other.load(ticket)?.rolloutCase == inside.0?.rolloutCase)
    }

    @Test("a transaction that throws keeps nothing of it")
    func batchRolledBack() async throws {
        struct Stop: Error {}
        let test = try TestGateway()
        let ticket = try await test.staged()
        let before = try await test.store.load(ticket)
        let historyBefore = try await test.store.history(of: ticket).count

        await #expect(throws: Stop.self) {
            try await test.store.withTransaction { transaction in
                _ = try await test.apply(
                    "assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", within: transaction)
                try await transaction.recordSeen(SeenMessage(key: "<batch@test>", ticket: nil, sender: nil, disposition: .message(.applied, reason: nil)), at: amsterdam("2026-11-27 15:00"))
                throw Stop()
            }
        }

        #expect(try await test.store.load(ticket) == before)
        #expect(try await test.store.history(of: ticket).count == historyBefore)
        #expect(try await test.store.hasSeen("<batch@test>") == false)
    }

    @Test("in a transaction, a commit refused for a stale case leaves none of its rows; every queued row holds its whole message")
    func transactionRefusedCommit() async throws {
        // Given: a staged ticket, and a decision on a case that will be stale by the time it is committed
        let test = try TestGateway()
        let ticket = try await test.staged()
        let stale = try #require(try await test.store.load(ticket))
        let now = amsterdam("2026-11-27 15:01")
        let cause = Cause.message(id: "<stale@test>")
        let decision = Workflow(context: test.configuration.workflow).decide(
            stale.rolloutCase,
            .message(MessageEvent(queue: .stagedRollout, sender: Sender(address: EmailAddress("mario.david@lip.example.org"), authentication: .weak), cause: cause, text: "assign NGI_DE-FZK-LCG2")),
            now: now)

        // When: within one transaction, an event is applied, a commit on the stale case is refused, and another
        // event is applied
        try await test.store.withTransaction { transaction in
            _ = try await test.apply(
                "assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", within: transaction)
            let outbox = try test.gateway.renderer.render(decision, cause: cause, now: now)
            await #expect(throws: StoreError.conflict(ticket)) {
                try await transaction.commit(StoreCommit(base: stale, decision: decision, outbox: outbox))
            }
            _ = try await test.apply(
                "accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00", within: transaction)
        }

        // Then: every queued row holds the whole message that names it, and none of the refused commit's
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        #expect(queued.count > 2)
        for message in queued {
            let text = String(decoding: message.data, as: UTF8.self)
            #expect(text.lowercased().contains("message-id: <\(message.messageID.lowercased())>\r\n"), "\(message.messageID)")
            #expect(text.contains("\r\n\r\n"))
        }
        #expect(!queued.contains { $0.messageID.contains("<stale@test>") || $0.recipients.contains(EmailAddress("ea-NGI_DE-FZK-LCG2@example.org")) })
    }

    @Test("a case loaded before is loaded afresh once another process changed it")
    func loadAfterChangeElsewhere() async throws {
        // Given: a second store that loaded the ticket
        let test = try TestGateway()
        let ticket = try await test.staged()
        let other = try SQLiteTicketStore(path: test.configuration.storePath)
        let first = try await other.load(ticket)

        // When: the first store commits a change to it
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")

        // Then: the second store loads the changed case
        let second = try await other.load(ticket)
        #expect(second != first)
        #expect(second == (try await test.store.load(ticket)))
        #expect(second?.rolloutCase.rollout?.teams.count == 1)
    }

    @Test("a message recorded as seen cannot be recorded again")
    func seenOnce() async throws {
        let test = try TestGateway()
        let message = SeenMessage(key: "<abc@example.org>", ticket: nil, sender: nil, disposition: .message(.applied, reason: nil))
        try await test.store.recordSeen(message, at: amsterdam("2026-11-26 10:00"))
        #expect(try await test.store.hasSeen("<abc@example.org>"))
        await #expect(throws: StoreError.alreadySeen("<abc@example.org>")) {
            try await test.store.recordSeen(message, at: amsterdam("2026-11-26 10:01"))
        }
    }

    @Test("a store that cannot be opened says where and what is expected")
    func cannotOpen() throws {
        #expect {
            _ = try SQLiteTicketStore(path: "/nonexistent-folder/gateway.sqlite")
        } throws: { error in
            guard case StoreError.unavailable(let detail) = error else { return false }
            return detail.contains("/nonexistent-folder/gateway.sqlite") && detail.contains("expected")
        }
    }

    @Test("a file that is not SQLite is refused without being changed")
    func notADatabase() throws {
        let folder = ScratchFolder()
        let path = folder.file("gateway.sqlite")
        let junk = Data("this is not a database, it is a shopping list\n".utf8) + Data(repeating: 0x41, count: 4096)
        try junk.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { _ = try SQLiteTicketStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test("ticket numbers are one sequence for both queues")
    func oneSequence() async throws {
        let test = try TestGateway()
        let first = try await test.staged()
        let release2 = try await test.gateway.createRelease(ComponentRelease(stack: "CA", component: nil, version: "1.38"), links: ReleaseLinks(releaseNotes: "a", fixedBugs: "b", documentation: "c"))
        #expect(first == TicketID(2))
        #expect(release2.id == TicketID(3))
        let list = try await test.store.ticketSummaries()
        #expect(list.map(\.queue) == ["sw-rel", "staged-rollout", "sw-rel"])
        #expect(list[2].title == "Release CA 1.38")
    }
}

@Suite("SQLite store: answers per sender")
struct AnswerCountTests {
    /// Records `count` answers (transcripts) at `date`, to `recipients` in turn, in one transaction.
    func answer(_ store: SQLiteTicketStore, count: Int, to recipients: [String], at date: Date, tag: String) async throws {
        try await store.withTransaction { transaction in
            for index in 0..<count {
                let recipient = EmailAddress(recipients[index % recipients.count])
                try await transaction.recordSeen(
                    SeenMessage(key: "<\(tag)-\(index)@test>", ticket: nil, sender: recipient, disposition: .message(.applied, reason: nil)), at: date,
                    outbox: [
                        OutgoingMessage(
                            messageID: "\(tag)-\(index)@rollout.example.org", ticket: nil, kind: .notification(.transcript),
                            sender: EmailAddress("staged-rollout@rollout.example.org"), recipients: [recipient], data: [], createdAt: date)
                    ])
            }
        }
    }

    @Test("a sender's answers of the last hour are counted, in any case of its address, and no one else's")
    func countsPerSender() async throws {
        let folder = ScratchFolder()
        let store = try SQLiteTicketStore(path: folder.file("store.sqlite"))
        let start = amsterdam("2026-11-30 10:00")
        try await answer(store, count: 3, to: ["Paolo.Veronesi@cnaf.example.org"], at: start, tag: "paolo")
        try await answer(store, count: 5, to: ["pavel.weber@kit.example.org"], at: start.addingTimeInterval(600), tag: "pavel")
        func count(_ address: String, at now: Date) async throws -> Int {
            try await store.lookUp(messageKey: "<x@y>", ticket: nil, sender: EmailAddress(address), answersSince: now.addingTimeInterval(-3600)).answersToSender
        }
        #expect(try await count("paolo.veronesi@cnaf.example.org", at: start.addingTimeInterval(60)) == 3)
        #expect(try await count("pavel.weber@kit.example.org", at: start.addingTimeInterval(660)) == 5)
        #expect(try await count("goncalo.borges@lip.example.org", at: start.addingTimeInterval(660)) == 0)
        // an hour and a minute later Paolo's answers are no longer counted, Pavel's still are
        #expect(try await count("paolo.veronesi@cnaf.example.org", at: start.addingTimeInterval(3660)) == 0)
        #expect(try await count("pavel.weber@kit.example.org", at: start.addingTimeInterval(3660)) == 5)
    }

    @Test("counting a sender's answers reads as much after 400 answers of the hour as after 6,400, to 16 times the senders")
    func countCostIsConstant() async throws {
        // Given two stores: one that answered 400 times within the hour (100 senders, 4 answers each), one 6,400 times
        // (1,600 senders, 4 answers each), the sender asked about among them
        let now = amsterdam("2026-11-30 10:30")
        var steps: [Int32] = []
        for senderCount in [100, 1_600] {
            let senders = (0..<senderCount).map { "member\($0)@site\($0).example.org" }
            let folder = ScratchFolder()
            let store = try SQLiteTicketStore(path: folder.file("store.sqlite"))
            try await answer(store, count: 4 * senderCount, to: senders, at: now.addingTimeInterval(-600), tag: "a")
            // When the store counts one sender's answers (the count is right)
            let counted = try await store.lookUp(
                messageKey: "<x@y>", ticket: nil, sender: EmailAddress(senders[7]), answersSince: now.addingTimeInterval(-3600)
            ).answersToSender
            #expect(counted == 4)
            // and the same counting is done on a connection of the test's own, its statement caught as it runs and run
            // again alone: SQLite's count of the virtual machine steps it took (rows read, index entries visited) is a
            // figure that no load on the machine changes, unlike a time
            steps.append(try Self.virtualMachineSteps(path: folder.file("store.sqlite")) { db in
                _ = try SQLiteTicketStore.answerCount(to: EmailAddress(senders[7]), since: now.addingTimeInterval(-3600), db)
            })
        }
        // Then sixteen times the answers and senders take exactly as many steps (a scan of the hour's answers would
        // take sixteen times as many: a quadratic ingest when many are answered), and some were taken at all
        print("answer count: \(steps[0]) SQLite steps after 400 answers, \(steps[1]) after 6,400")
        #expect(steps[0] > 0)
        #expect(steps[1] == steps[0], "\(steps)")
    }

    /// Runs `body` on a connection of its own to the store at `path`, catches the one statement it runs, and runs
    /// that statement again, with the same values, to count the virtual machine steps it takes
    /// (`SQLITE_STMTSTATUS_VM_STEP`). Fails the test unless `body` ran exactly one statement.
    static func virtualMachineSteps(path: String, _ body: @escaping (Database) throws -> Void) throws -> Int32 {
        var configuration = Configuration()
        configuration.publicStatementArguments = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.inDatabase { db in
            var ran: [String] = []
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event { ran.append(statement.expandedSQL) }
            }
            try body(db)
            db.trace(options: [])
            try #require(ran.count == 1, "\(ran)")
            let statement = try db.makeStatement(sql: ran[0])
            _ = try Row.fetchAll(statement)
            return sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 0)
        }
    }
}
