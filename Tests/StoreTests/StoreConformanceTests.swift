import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// One set of tests that every store driver passes, on a store of its own each.
@Suite("Store conformance: every driver keeps the same rules")
struct StoreConformanceTests {
    @Test("ticket numbers come from one sequence shared by both queues", arguments: drivers)
    func ticketNumbersShared(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let first = try await test.staged()
        #expect(first.release == TicketID(1))
        #expect(first.rollout == TicketID(2))
        let second = try await test.staged()
        #expect(second.release == TicketID(3))
        #expect(second.rollout == TicketID(4))
        #expect(try await test.store.reserveTicketID() == TicketID(5))
        let summaries = try await test.store.ticketSummaries()
        #expect(summaries.map(\.id) == [1, 2, 3, 4])
        #expect(summaries.map(\.queue) == ["sw-rel", "staged-rollout", "sw-rel", "staged-rollout"])
        #expect(summaries.map(\.parent) == [nil, 1, nil, 3])
        #expect(summaries.map(\.child) == [2, nil, 4, nil])
        // Either ticket number loads the same case.
        let byRelease = try #require(try await test.store.load(TicketID(1)))
        let byRollout = try #require(try await test.store.load(TicketID(2)))
        #expect(byRelease.rolloutCase == byRollout.rolloutCase)
        #expect(byRelease.queue == .release)
        #expect(byRollout.queue == .stagedRollout)
    }

    @Test("history comes back in the order it was written, with its causes and actors", arguments: drivers)
    func historyOrder(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        try await test.apply("accept NGI_IT-INFN-T1", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 16:00")
        try await test.apply("downtime NGI_IT-INFN-T1 on", to: ticket, as: "paolo.veronesi@cnaf.example.org", at: "2026-11-27 17:00")
        let history = try await test.store.history(of: ticket)
        #expect(history.count >= 4)
        #expect(history.map(\.at) == history.map(\.at).sorted())
        let actors = history.compactMap(\.actor?.value)
        #expect(actors.first == "mario.david@lip.example.org")
        #expect(actors.last == "paolo.veronesi@cnaf.example.org")
        let accepted = try #require(history.firstIndex { $0.detail.contains("accept") || $0.action.rawValue.contains("accept") })
        let downtime = try #require(history.firstIndex { $0.detail.contains("downtime") || $0.action.rawValue.contains("downtime") })
        #expect(accepted < downtime)
        // Read again, the same entries in the same order.
        #expect(try await test.store.history(of: ticket) == history)
    }

    @Test("outbox: a claimed message is delivered once, a deferred one comes back after its backoff, a failed one never", arguments: drivers)
    func outboxClaimCompleteRetry(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let now = test.clock.now
        let pending = try await test.store.pendingOutbox(at: now, limit: 100)
        #expect(pending.count >= 4)
        #expect(pending.map { $0.rowID! } == pending.map { $0.rowID! }.sorted())
        #expect(pending.allSatisfy { !$0.data.isEmpty })
        let (delivered, deferred, failed) = (pending[0], pending[1], pending[2])
        try await test.store.recordDelivery(.delivered, for: delivered, at: now)
        try await test.store.recordDelivery(.temporaryFailure("451 try later"), for: deferred, at: now)
        try await test.store.recordDelivery(.permanentFailure("550 no such user"), for: failed, at: now)
        let counts = try await test.store.outboxCounts()
        #expect(counts.sent == 1)
        #expect(counts.failed == 1)
        #expect(counts.queued == pending.count - 2)

        // A second sender at the same time gets none of the three back.
        let handled = Set([delivered, deferred, failed].map(\.messageID))
        let again = try await (try await place.open()).pendingOutbox(at: now, limit: 100)
        #expect(again.allSatisfy { !handled.contains($0.messageID) })

        // After its first backoff (one minute), the deferred message is ready again, with its attempt counted.
        let later = try await (try await place.open()).pendingOutbox(at: now.addingTimeInterval(61), limit: 100)
        let retried = try #require(later.first { $0.messageID == deferred.messageID })
        #expect(retried.attempts == 1)
        #expect(retried.nextAttemptAt == now.addingTimeInterval(60))
        #expect(!later.contains { $0.messageID == delivered.messageID || $0.messageID == failed.messageID })
        #expect(try await test.store.deliveredCount(ticket: delivered.ticket!, since: now.addingTimeInterval(-1)) == 1)
        let recipient = try #require(delivered.recipients.first)
        #expect(try await test.store.deliveredCount(to: recipient, since: now.addingTimeInterval(-1)) == 1)

        // Postponed: not ready before its time, ready after.
        let other = pending[3]
        try await test.store.postpone(other, until: now.addingTimeInterval(3600))
        let beforeTime = try await (try await place.open()).pendingOutbox(at: now.addingTimeInterval(120), limit: 100)
        #expect(!beforeTime.contains { $0.messageID == other.messageID })
        let afterTime = try await (try await place.open()).pendingOutbox(at: now.addingTimeInterval(3601), limit: 100)
        #expect(afterTime.contains { $0.messageID == other.messageID })
    }

    @Test("a due timer fires once when two instances tick at the same moment", arguments: drivers)
    func timersFireOnce(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let first = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await first.staged()
        try await first.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let due = try await first.store.timers(of: ticket)
        #expect(due.count == 2)
        let second = try GatewayOverStore(try await place.open())
        first.clock.now = amsterdam("2026-11-30 15:00")
        second.clock.now = amsterdam("2026-11-30 15:00")
        let queuedBefore = try await first.store.outboxCounts().queued

        async let a = first.gateway.tick()
        async let b = second.gateway.tick()
        let fired = try await a.fired + b.fired
        #expect(fired.count == 2)
        #expect(Set(fired.map(\.key)) == Set(due.map(\.key)))
        // Each firing's history and notifications were written once: no-answer and escalation, as by one instance.
        #expect(try await first.store.outboxCounts().queued == queuedBefore + 5)
        // Nothing is left to fire at that time; the escalation's repeat is pending for the next working day.
        #expect(try await first.gateway.tick().fired.isEmpty)
        #expect(try await second.gateway.tick().fired.isEmpty)
        #expect(try await first.store.timers(of: ticket).map(\.key.kind) == [.escalation])
    }

    @Test("a message is applied once: the second commit of the same key is refused, even from another instance", arguments: drivers)
    func messagesSeenOnce(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let first = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await first.staged()
        let second = try GatewayOverStore(try await place.open())
        #expect(try await first.store.hasSeen("<once@test>") == false)

        async let a: Bool = Self.applied {
            try await first.apply("downtime NGI_IT-INFN-T1 on", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", messageID: "<once@test>")
        }
        async let b: Bool = Self.applied {
            try await second.apply("downtime NGI_IT-INFN-T1 on", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00", messageID: "<once@test>")
        }
        let outcomes = try await [a, b]
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await second.store.hasSeen("<once@test>"))

        // A message that changes no ticket is recorded once too.
        let seen = SeenMessage(key: "<aside@test>", ticket: nil, sender: EmailAddress("x@example.org"), disposition: .message(.setAside, reason: nil))
        try await first.store.recordSeen(seen, at: Date())
        await #expect(throws: StoreError.alreadySeen("<aside@test>")) { try await second.store.recordSeen(seen, at: Date()) }
        let lookup = try await second.store.lookUp(messageKey: "<aside@test>", ticket: ticket, sender: nil, answersSince: Date.distantPast)
        #expect(lookup.seen)
        #expect(lookup.stored?.rolloutCase.rollout?.id == ticket)
    }

    @Test(
        "replay keys: kept beside the message in its commit; a later message with one of them is refused as seen, and nothing of it is kept",
        arguments: drivers)
    func replayKeys(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        let mario = EmailAddress("mario.david@lip.example.org")
        let written = amsterdam("2026-11-27 14:58")
        let first = SeenMessage(key: "<first@test>", ticket: ticket, sender: mario, disposition: .message(.applied, reason: nil), replayKeys: ["replay:aa", "replay:bb"])
        _ = try await test.gateway.apply(
            to: ticket, sender: Sender(address: mario, authentication: .strong, basis: .token),
            lines: [ReadLine("assign NGI_IT-INFN-T1")], cause: .message(id: "<first@test>"), seen: first, writtenAt: written)
        #expect(try await test.store.hasSeen("replay:aa"))
        #expect(try await test.store.hasSeen("replay:bb"))
        // The history keeps when the mail was written.
        let entries = try await test.store.history(of: ticket).filter { $0.cause == .message(id: "<first@test>") }
        #expect(!entries.isEmpty && entries.allSatisfy { $0.writtenAt == written })

        let before = try await test.store.history(of: ticket).count
        let again = SeenMessage(key: "<again@test>", ticket: ticket, sender: mario, disposition: .message(.applied, reason: nil), replayKeys: ["replay:bb"])
        await #expect(throws: StoreError.alreadySeen("replay:bb")) {
            _ = try await test.gateway.apply(
                to: ticket, sender: Sender(address: mario, authentication: .strong, basis: .token),
                lines: [ReadLine("unassign NGI_IT-INFN-T1")], cause: .message(id: "<again@test>"), seen: again)
        }
        #expect(try await test.store.hasSeen("<again@test>") == false)
        #expect(try await test.store.history(of: ticket).count == before)
    }

    /// True when `body` applied, false when the store said the message was already applied.
    static func applied(_ body: () async throws -> EventReport) async throws -> Bool {
        do {
            _ = try await body()
            return true
        } catch StoreError.alreadySeen {
            return false
        }
    }

    @Test("a commit on a case that another instance changed since it was loaded is a conflict", arguments: drivers)
    func conflicts(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let test = try GatewayOverStore(try await place.open())
        let (_, ticket) = try await test.staged()
        let other = try await place.open()
        let stale = try #require(try await other.load(ticket))
        try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let decision = Workflow(context: test.gateway.configuration.workflow).decide(
            stale.rolloutCase, .timerFired(TimerKey(ticket: ticket, kind: .escalation, team: nil)), now: amsterdam("2026-11-30 15:00"))
        var conflicted: TicketID?
        do {
            try await other.commit(StoreCommit(base: stale, decision: decision, outbox: []))
        } catch StoreError.conflict(let id) {
            conflicted = id
        }
        #expect(conflicted == ticket || conflicted == stale.rolloutCase.release.id)
        #expect(conflicted != nil)
    }

    @Test("mailbox cursors and fetch attempts are kept per mailbox", arguments: drivers)
    func cursors(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let store = try await place.open()
        #expect(try await store.cursor(of: "INBOX") == nil)
        try await store.saveCursor(MailboxCursor(uidValidity: 7, lastUID: 42), of: "INBOX")
        try await store.saveCursor(MailboxCursor(uidValidity: 9, lastUID: 1), of: "Other")
        try await store.saveCursor(MailboxCursor(uidValidity: UInt32.max, lastUID: UInt32.max - 1), of: "INBOX")
        let reopened = try await place.open()
        #expect(try await reopened.cursor(of: "INBOX") == MailboxCursor(uidValidity: UInt32.max, lastUID: UInt32.max - 1))
        #expect(try await reopened.cursor(of: "Other") == MailboxCursor(uidValidity: 9, lastUID: 1))
        #expect(try await store.recordFetchFailure(mailbox: "INBOX", uidValidity: 7, uid: 3, error: "one") == 1)
        #expect(try await reopened.recordFetchFailure(mailbox: "INBOX", uidValidity: 7, uid: 3, error: "two") == 2)
        #expect(try await store.recordFetchFailure(mailbox: "INBOX", uidValidity: 8, uid: 3, error: "other validity") == 1)
    }

    @Test("migrations: an empty store opens at the newest schema, twice at once", arguments: drivers)
    func migrationsFromEmpty(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        async let a = place.open()
        async let b = place.open()
        let (first, second) = try await (a, b)
        let created = try await first.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "x", version: "1", os: nil, architecture: nil),
            links: ReleaseLinks(releaseNotes: "a", fixedBugs: "b", documentation: "c"), at: amsterdam("2026-11-26 09:00"),
            cause: .operatorAction("release new"))
        #expect(try await second.load(created.id)?.rolloutCase.release == created)
        #expect(try await second.history(of: created.id).map(\.action) == [.created])
    }

    @Test("migrations: a store at an earlier schema version is brought up to date with its rows", arguments: migratingDrivers)
    func migrationsFromPrevious(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let seedPreviousVersion = try #require(place.seedPreviousVersion)
        try await seedPreviousVersion()
        let store = try await place.open()
        let stored = try #require(try await store.load(TicketID(1)))
        #expect(stored.rolloutCase.release.release.component == "SE-DPM_mysql")
        #expect(try await store.history(of: TicketID(1)).map(\.detail) == ["created before the upgrade"])
        let pending = try await store.pendingOutbox(at: amsterdam("2026-11-26 09:00"), limit: 10)
        #expect(pending.map(\.messageID) == ["<old@test>"])
        #expect(pending.first?.data == Array("Subject: old\r\n\r\nbody\r\n".utf8))
        // The number sequence goes on after the rows already there.
        #expect(try await store.reserveTicketID() == TicketID(2))
    }

    // MARK: Set-aside messages, sent text, answers

    static func setAside(_ name: String, bytes: Int, at date: Date) -> SetAsideMessage {
        SetAsideMessage(
            key: "<\(name)@example.org>", sender: "\(name)@example.org", subject: "about \(name)", reason: "names no ticket",
            source: "stdin", receivedAt: date, bytes: Array(repeating: UInt8(ascii: "x"), count: bytes))
    }

    @Test("set-aside messages: kept once per key, listed oldest first without bytes, bounded by dropping the oldest", arguments: drivers)
    func setAsideKeptAndBounded(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let start = amsterdam("2026-11-30 10:00")
        #expect(try await store.keepSetAside(Self.setAside("a", bytes: 400, at: start), limit: 1000).isEmpty)
        #expect(try await store.keepSetAside(Self.setAside("a", bytes: 400, at: start), limit: 1000).isEmpty)  // same key
        #expect(try await store.keepSetAside(Self.setAside("b", bytes: 400, at: start.addingTimeInterval(60)), limit: 1000).isEmpty)
        let dropped = try await store.keepSetAside(Self.setAside("c", bytes: 400, at: start.addingTimeInterval(120)), limit: 1000)
        #expect(dropped.map(\.key) == ["<a@example.org>"])
        let listed = try await store.setAsideMessages()
        #expect(listed.map(\.key) == ["<b@example.org>", "<c@example.org>"])
        #expect(listed.allSatisfy { $0.bytes.isEmpty && $0.size == 400 })
        #expect(listed.map(\.receivedAt) == [start.addingTimeInterval(60), start.addingTimeInterval(120)])
        let b = try #require(listed.first?.id)
        #expect(try await store.setAsideMessage(b)?.bytes.count == 400)
        // The newest is kept even when it alone exceeds the bound.
        let big = try await store.keepSetAside(Self.setAside("d", bytes: 5000, at: start.addingTimeInterval(180)), limit: 1000)
        #expect(big.map(\.key) == ["<b@example.org>", "<c@example.org>"])
        #expect(try await store.setAsideMessages().map(\.key) == ["<d@example.org>"])
    }

    @Test("set-aside messages: dropped with forgettingSeen, the message may be ingested again", arguments: drivers)
    func setAsideDropForgetsSeen(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let now = amsterdam("2026-11-30 10:00")
        try await store.recordSeen(SeenMessage(key: "<a@example.org>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: now, outbox: [])
        _ = try await store.keepSetAside(Self.setAside("a", bytes: 10, at: now), limit: 1000)
        let id = try #require(try await store.setAsideMessages().first?.id)
        #expect(try await store.dropSetAside(id, forgettingSeen: true))
        #expect(try await store.hasSeen("<a@example.org>") == false)
        #expect(try await store.setAsideMessages().isEmpty)
        #expect(try await store.dropSetAside(id, forgettingSeen: false) == false)
    }

    @Test("sent text: each outbox row's fingerprint is found by Message-ID, and by ticket and recipient", arguments: drivers)
    func sentTextFingerprints(driver: StoreDriver) async throws {
        let test = try GatewayOverStore(try await driver.makePlace().open())
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")
        let toPaolo = try #require(queued.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(paolo) })
        let fingerprint = OutgoingMessage.textFingerprint(of: toPaolo.data)
        #expect(try await test.store.sentTextFingerprints(messageIDs: ["<\(toPaolo.messageID)>"], ticket: nil, recipient: nil, limit: 20) == [fingerprint])
        let recent = try await test.store.sentTextFingerprints(
            messageIDs: [], ticket: ticket, recipient: EmailAddress("Paolo.Veronesi@cnaf.example.org"), limit: 20)
        #expect(recent.contains(fingerprint))
        let toPavel = queued.filter { $0.ticket == ticket && $0.recipients.contains(EmailAddress("pavel.weber@kit.example.org")) }
        #expect(!toPavel.isEmpty)
        #expect(!recent.contains { found in toPavel.contains { OutgoingMessage.textFingerprint(of: $0.data) == found } })
        #expect(try await test.store.sentTextFingerprints(messageIDs: ["nobody@nowhere"], ticket: nil, recipient: nil, limit: 20).isEmpty)
    }

    @Test("sent text read with the look-up: what the store finds alone, each fingerprint once though the case reads a row per team", arguments: drivers)
    func sentTextWithLookUp(driver: StoreDriver) async throws {
        let test = try GatewayOverStore(try await driver.makePlace().open())
        let (_, ticket) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let queued = try await test.store.pendingOutbox(at: amsterdam("2026-12-31 00:00"), limit: 1000)
        let paolo = EmailAddress("Paolo.Veronesi@cnaf.example.org")
        let toPaolo = try #require(queued.first { $0.kind.rawValue == "team-assigned" && $0.recipients.contains(paolo) })
        // Named by its Message-ID and among the latest to Paolo: found twice, given once.
        let request = SentTextRequest(messageIDs: ["<\(toPaolo.messageID)>", toPaolo.messageID], limit: 20)
        let since = amsterdam("2026-11-27 14:00")
        let lookup = try await test.store.lookUp(messageKey: "<reply@test>", ticket: ticket, sender: paolo, answersSince: since, sentText: request)
        let alone = try await test.store.sentTextFingerprints(messageIDs: request.messageIDs, ticket: ticket, recipient: paolo, limit: 20)
        #expect(lookup.sentText == alone)
        #expect(lookup.sentText.contains(OutgoingMessage.textFingerprint(of: toPaolo.data)))
        #expect(lookup.sentText.count == Set(lookup.sentText.map(\.shingles)).count)
        let stored = try #require(lookup.stored)
        #expect(stored.rolloutCase.rollout?.teams.count == 2)
        let without = try await test.store.lookUp(messageKey: "<reply@test>", ticket: ticket, sender: paolo, answersSince: since)
        #expect(without.sentText.isEmpty)
        #expect(without.stored?.rolloutCase == stored.rolloutCase)
        // Another person's latest are not Paolo's.
        let pavel = try await test.store.lookUp(
            messageKey: "<reply@test>", ticket: ticket, sender: EmailAddress("pavel.weber@kit.example.org"), answersSince: since,
            sentText: SentTextRequest(messageIDs: [], limit: 20))
        #expect(!pavel.sentText.contains(OutgoingMessage.textFingerprint(of: toPaolo.data)))
    }

    @Test("answers queued many at once are counted per recipient, each Message-ID once, across statements", arguments: drivers)
    func manyAnswersCounted(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let start = amsterdam("2026-11-30 10:00")
        let (first, second) = (EmailAddress("first@example.org"), EmailAddress("second@example.org"))
        // 1,201 answers (more than two of the PostgreSQL store's 500-message statements), every second one to two
        // people, the last a repeat of the first within the same call.
        func answer(_ index: Int) -> OutgoingMessage {
            OutgoingMessage(
                messageID: "many-\(index)@test", ticket: nil, kind: OutboxKind.answers[index % OutboxKind.answers.count],
                sender: EmailAddress("gw@example.org"), recipients: index % 2 == 0 ? [first, second] : [first],
                data: Array("Subject: answer\r\n\r\nbody \(index)\r\n".utf8), createdAt: start, nextAttemptAt: start)
        }
        let answers = (0..<1_200).map(answer) + [answer(0)]
        try await store.recordSeen(SeenMessage(key: "<many@test>", ticket: nil, sender: first, disposition: .message(.setAside, reason: nil)), at: start, outbox: answers)
        // Queued again by a later call: kept once, not counted again.
        try await store.recordSeen(
            SeenMessage(key: "<many-again@test>", ticket: nil, sender: first, disposition: .message(.setAside, reason: nil)), at: start,
            outbox: [answer(7), answer(8)])
        let since = start.addingTimeInterval(-3600)
        #expect(try await store.lookUp(messageKey: "<x@test>", ticket: nil, sender: first, answersSince: since).answersToSender == 1_200)
        #expect(try await store.lookUp(messageKey: "<x@test>", ticket: nil, sender: second, answersSince: since).answersToSender == 600)
        #expect(try await store.pendingOutbox(at: start, limit: 5_000).count == 1_200)
    }

    @Test("answers to a sender are counted for the hour, whichever case its address is written in", arguments: drivers)
    func answersCounted(driver: StoreDriver) async throws {
        let store = try await driver.makePlace().open()
        let start = amsterdam("2026-11-30 10:00")
        let sender = EmailAddress("Someone@Example.org")
        for minute in 0..<3 {
            let at = start.addingTimeInterval(Double(minute) * 60)
            let answer = OutgoingMessage(
                messageID: "answer-\(minute)@test", ticket: nil, kind: OutboxKind.answers[minute % OutboxKind.answers.count],
                sender: EmailAddress("gw@example.org"), recipients: [EmailAddress("someone@example.org")],
                data: Array("Subject: answer\r\n\r\nbody\r\n".utf8), createdAt: at, nextAttemptAt: at)
            try await store.recordSeen(SeenMessage(key: "<m\(minute)@test>", ticket: nil, sender: sender, disposition: .message(.setAside, reason: nil)), at: at, outbox: [answer])
        }
        // An answer already queued (its Message-ID) queued again is kept once and counted once.
        let again = OutgoingMessage(
            messageID: "answer-0@test", ticket: nil, kind: OutboxKind.answers[0], sender: EmailAddress("gw@example.org"),
            recipients: [EmailAddress("someone@example.org")], data: Array("Subject: answer\r\n\r\nbody\r\n".utf8),
            createdAt: start, nextAttemptAt: start)
        try await store.recordSeen(SeenMessage(key: "<again@test>", ticket: nil, sender: sender, disposition: .message(.setAside, reason: nil)), at: start, outbox: [again])
        let notification = OutgoingMessage(
            messageID: "note@test", ticket: nil, kind: .notification(.teamAssigned), sender: EmailAddress("gw@example.org"),
            recipients: [EmailAddress("someone@example.org")], data: Array("Subject: n\r\n\r\nbody\r\n".utf8), createdAt: start,
            nextAttemptAt: start)
        try await store.recordSeen(SeenMessage(key: "<n@test>", ticket: nil, sender: nil, disposition: .message(.setAside, reason: nil)), at: start, outbox: [notification])
        let within = try await store.lookUp(messageKey: "<x@test>", ticket: nil, sender: sender, answersSince: start.addingTimeInterval(-3600))
        #expect(within.answersToSender == 3)
        #expect(within.seen == false)
        let later = try await store.lookUp(messageKey: "<m0@test>", ticket: nil, sender: sender, answersSince: start.addingTimeInterval(3600))
        #expect(later.answersToSender == 0)
        #expect(later.seen)
    }
}
