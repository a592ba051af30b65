import Foundation
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing

@Suite("Gateway on SQLite with a Maildir outbox")
struct GatewayTests {
    @Test("staging runs the hook, records both tickets and queues the managers' notification")
    func staging() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        #expect(test.hooks.ran == [.stageRollOut])
        let stored = try #require(try await test.store.load(ticket))
        #expect(stored.queue == .stagedRollout)
        #expect(stored.rolloutCase.release.status == .stageRollOut)
        #expect(try await test.store.history(of: TicketID(1)).map(\.action) == [.created, .status, .child])
        // One copy per manager of the stack (mario.david, joao.pina), each with its own reply address; and the release
        // manager's copy of `release new`.
        #expect(try await test.store.outboxCounts().queued == 3)
    }

    @Test("a hook runs once its change is committed: when it fails, the change stays and the failure is reported")
    func failingHook() async throws {
        let test = try TestGateway(hooks: RecordingHooks(failure: "rsync: connection refused"))
        let release = try await test.gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "WMS", version: "3.3.1"), links: ReleaseLinks(releaseNotes: "a", fixedBugs: "b", documentation: "c"))
        await #expect(throws: GatewayError.self) { _ = try await test.gateway.stageRelease(release.id, operatorName: "tester") }
        // The hook ran after the commit (issue 19 review: never for a change that is undone), so the staging stays.
        let stored = try #require(try await test.store.load(release.id))
        #expect(stored.rolloutCase.release.status == .stageRollOut)
        #expect(stored.rolloutCase.rollout != nil)
        #expect(try await test.store.history(of: release.id).map(\.action) == [.created, .status, .child])
    }

    @Test("a refused command changes nothing and is logged with the sender")
    func refusedCommand() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        let report = try await test.apply("resolve", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        #expect(report.results.map(\.status) == [.refused])
        #expect(try await test.store.load(ticket)?.rolloutCase.rollout?.status == .new)
        let logged = test.logs.entries.contains { entry in
            entry.message.description.contains("refused") && entry.metadata["sender"]?.description == "mario.david@lip.example.org"
        }
        #expect(logged)
    }

    @Test("tick fires each due timer once; its notifications are queued with it")
    func tickFiresOnce() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let queued = try await test.store.outboxCounts().queued

        test.clock.now = amsterdam("2026-11-30 14:59")
        #expect(try await test.gateway.tick().fired.isEmpty)

        test.clock.now = amsterdam("2026-11-30 15:00")
        let first = try await test.gateway.tick()
        #expect(Set(first.fired.map(\.key.kind)) == [.answerDeadline, .escalation])
        // No-answer to the two managers, escalation to the two managers and the list: a copy each.
        #expect(try await test.store.outboxCounts().queued == queued + 5)

        let second = try await test.gateway.tick()
        #expect(second.fired.isEmpty)
        #expect(try await test.store.outboxCounts().queued == queued + 5)
        // The escalation scheduled its repeat for the next working day.
        let pending = try await test.store.timers(of: ticket)
        #expect(pending.map(\.key.kind) == [.escalation])
        #expect(pending.first?.dueAt == amsterdam("2026-12-01 15:00"))
    }

    @Test("send writes every notification into the Maildir with threading, loop and auto-reply headers")
    func sendIntoMaildir() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        test.clock.now = amsterdam("2026-11-30 15:00")
        _ = try await test.gateway.tick()
        let report = try await test.gateway.send(through: test.maildir)
        // release-staged and no-answer to two managers, team-assigned to Paolo, escalation to two managers and a list;
        // and release-created (of release ticket #1) to the release manager.
        #expect(report.delivered == 9 && report.stillQueued == 0)
        let all = try test.delivered()
        #expect(all.filter { $0.header("Subject")?.hasPrefix("[sw-rel #1] New release") == true }.count == 1)
        let mails = all.filter { $0.header("Subject")?.hasPrefix("[sw-rel #1]") == false }
        #expect(mails.count == 8)
        for mail in mails {
            #expect(mail.header("Subject")?.hasPrefix("[staged-rollout #2] ") == true)
            // Each person's first mail of the ticket is their thread root; every later one refers to it.
            let root = test.gateway.renderer.composer.threadRoot(of: TicketID(2), for: EmailAddress(try #require(mail.header("To"))))
            if mail.header("Message-ID") != "<\(root)>" {
                #expect(mail.header("References")?.hasPrefix("<\(root)>") == true)
            }
            #expect(mail.header("Message-ID")?.hasSuffix("@rollout.example.org>") == true)
            #expect(mail.header("Auto-Submitted") == "auto-generated")
            #expect(mail.header("X-Auto-Response-Suppress") == "All")
            #expect(mail.header("X-Loop") == "staged-rollout@rollout.example.org")
            #expect(mail.header("Reply-To")?.contains("staged-rollout@rollout.example.org") == true)
        }
        for person in Set(mails.compactMap { $0.header("To") }) {
            let root = "<\(test.gateway.renderer.composer.threadRoot(of: TicketID(2), for: EmailAddress(person)))>"
            #expect(mails.filter { $0.header("Message-ID") == root }.count == 1, "\(person) has one thread root")
        }
        let assigned = try #require(mails.first { $0.header("To") == "paolo.veronesi@cnaf.example.org" })
        #expect(assigned.contains("accept NGI_IT-INFN-T1"))
        #expect(assigned.contains("Mon 2026-11-30 15:00 +01:00 (Europe/Amsterdam)"))
        #expect(assigned.contains("ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc|docx|odt"))
        let escalation = try #require(mails.first { $0.header("To")?.contains("early-adopters-emi@lists.egi.example.org") == true })
        #expect(escalation.header("Precedence") == "bulk")
        #expect(try await test.gateway.send(through: test.maildir).delivered == 0)  // nothing is sent twice
    }

    @Test("a Maildir that cannot be written keeps the mail queued for a later attempt")
    func deliveryFailure() async throws {
        let test = try TestGateway()
        _ = try await test.staged()
        let blocked = test.folder.file("blocked")
        try Data("a file where the Maildir should be".utf8).write(to: URL(fileURLWithPath: blocked))
        let report = try await test.gateway.send(through: MaildirTransportFor(root: blocked))
        #expect(report.deferred == 3 && report.delivered == 0 && report.stillQueued == 3)
        // Retried later, after the backoff.
        #expect(try await test.store.pendingOutbox(at: test.clock.now, limit: 10).isEmpty)
        let later = test.clock.now.addingTimeInterval(61)
        let again = try await test.store.pendingOutbox(at: later, limit: 10)
        #expect(again.first?.attempts == 1)
    }

    @Test("a routing change in the configuration changes who is notified")
    func routingFromConfiguration() async throws {
        let test = try TestGateway(extraConfiguration: "notifications:\n  - when: release-staged\n    to: [release-managers, ops@egi.example.org]\n")
        _ = try await test.staged()
        _ = try await test.gateway.send(through: test.maildir)
        let mails = try test.delivered().filter { $0.header("Subject")?.hasPrefix("[sw-rel #1] New release") == false }
        // One copy per person.
        #expect(mails.count == 2)
        #expect(Set(mails.compactMap { $0.header("To") }) == ["release-manager@egi.example.org", "ops@egi.example.org"])
    }
}

import MailMaildir

/// The Maildir transport pointed at a root that may be broken.
func MaildirTransportFor(root: String) -> MaildirTransport { MaildirTransport(root: root) }

@Suite("Timers and notices under concurrency")
struct TimerConcurrencyTests {
    @Test("two teams silent at the same deadline give the managers two notices, not one")
    func twoNoAnswerNotices() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        test.clock.now = amsterdam("2026-11-30 15:00")
        _ = try await test.gateway.tick()
        let queued = try await test.store.pendingOutbox(at: test.clock.now, limit: 100)
        // Two notices (one per silent team), each in a copy per manager.
        let notices = queued.filter { $0.kind.rawValue == "no-answer" }
        #expect(notices.count == 4)
        #expect(Set(notices.map { String(decoding: $0.data, as: UTF8.self).contains("NGI_IT-INFN-T1") }).count == 2)
        #expect(Set(queued.map(\.messageID)).count == queued.count)
    }

    @Test("a timer fired by one process is not fired again by another that read it as due")
    func firedOnce() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        let other = try SQLiteTicketStore(path: test.configuration.storePath)
        let due = try await other.dueTimers(at: amsterdam("2026-11-30 15:00"))
        #expect(due.count == 2)
        test.clock.now = amsterdam("2026-11-30 15:00")
        _ = try await test.gateway.tick()
        let history = try await test.store.history(of: ticket).count
        // The second process fires a timer it read as due before the first one fired it; the ticket itself is
        // unchanged since it loaded it, so only the timer's own state can stop the second firing.
        let current = try #require(try await other.load(ticket))
        let key = try #require(due.first { $0.key.kind == .answerDeadline }?.key)
        let decision = Workflow(context: test.configuration.workflow).decide(current.rolloutCase, .timerFired(key), now: test.clock.now)
        #expect(!decision.history.isEmpty)
        await #expect(throws: StoreError.alreadySeen("timer answer-deadline of ticket #2")) {
            try await other.commit(StoreCommit(base: current, decision: decision, outbox: [], firedTimer: key))
        }
        #expect(try await test.store.history(of: ticket).count == history)
    }
}
