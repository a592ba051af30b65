import Foundation
import MailGMime
import RolloutCore
@testable import RolloutGateway
import Synchronization
import Testing

/// What waits for a commit (issue 19 review): hooks run before it (at least once, never a change without its hook); thread roots are remembered only once committed; and a source that cannot take a
/// failed message does not keep the committed ones of its group from being released.
@Suite("Ingest loop: after the commit")
struct AfterCommitTests {
    struct SourceBroke: Error {}

    /// Records each hook run, with the release ticket's status as the store (not the transaction) had it then.
    final class RecordingHooks: HookRunner {
        let store = Mutex<(any TicketStore)?>(nil)
        let calls = Mutex<[(HookRun.Hook, ReleaseStatus?)]>([])

        func run(_ hook: HookRun) async throws {
            let committed = try await store.withLock { $0 }?.load(hook.release.id)?.rolloutCase.release.status
            calls.withLock { $0.append((hook.hook, committed)) }
        }
    }

    /// A source whose hand-over of a failed message fails (its folder unwritable, say).
    actor BrokenFailureSource: IngestSource {
        private(set) var released: [Int] = []

        func failed(_ handle: Int, error: any Error) async throws -> IngestFailure { throw SourceBroke() }
        func release(done: [Int], quarantined: [Int], retry: [Int]) async throws { released += done }
    }

    /// The release manager's `status StageRollOut` to release ticket `release`, strong by our MX's aligned DKIM pass.
    static func stage(_ release: TicketID, id: String) -> [UInt8] {
        Array(
            """
            Authentication-Results: mx.rollout.example.org; dkim=pass header.d=egi.example.org header.s=s1; dmarc=pass header.from=egi.example.org\r
            Received: from smtp.egi.example.org (smtp.egi.example.org [192.0.2.63])\r
            \tby mx.rollout.example.org (Postfix) with ESMTPS id 4Qa\r
            \tfor <staged-rollout@rollout.example.org>; Thu, 26 Nov 2026 10:00:01 +0100\r
            From: Release Manager <release-manager@egi.example.org>\r
            To: staged-rollout@rollout.example.org\r
            Subject: Re: [sw-rel #\(release.rawValue)] New release\r
            Message-ID: <\(id)>\r
            Date: Thu, 26 Nov 2026 10:00:00 +0100\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            status StageRollOut\r

            """.utf8)
    }

    static let strongByDKIM = """
        inbound:
          trusted_authserv_ids: [mx.rollout.example.org]
          strong_by: [token, dkim]
        """

    static func loop(_ test: GatewayOverStore, over store: any StoreTransaction & UnitOfWork, hooks: any HookRunner) throws
        -> IngestLoop<ListIngestSource>
    {
        let ingest = try test.ingest(over: store, hooks: hooks)
        return IngestLoop(ingest: ingest, source: ListIngestSource(), groupSize: 4)
    }

    @Test("a hook runs before its message commits, at least once: when the message's transaction is undone, nothing of it stays and the hook runs again when the message is applied", arguments: drivers)
    func hooksBeforeTheCommit(driver: StoreDriver) async throws {
        // Given: a release ticket in InVerification, and a hook that records what the store held when it ran
        let store = try await driver.makePlace().open()
        let hooks = RecordingHooks()
        hooks.store.withLock { $0 = store }
        let test = try GatewayOverStore(store, hooks: hooks, extraConfiguration: Self.strongByDKIM)
        let release = try await test.gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "n", fixedBugs: "b", documentation: "d"))

        // When: the release manager's staging mail is applied in a group, and its transaction is undone after its
        // decision was committed into it
        let undone = Self.stage(release.id, id: "stage-undone@egi.example.org")
        let faulty = FaultyStore(inner: store) { write in
            if case .commit(let commit) = write { return commit.seen?.key == "<stage-undone@egi.example.org>" }
            return false
        }
        let failing = try Self.loop(test, over: faulty, hooks: hooks)
        try await failing.run { try await failing.add(0, size: undone.count, source: "test", read: { undone }) }

        // Then: it failed and nothing of it stayed; its hook had run, before the commit
        #expect(await failing.source.failed == [0])
        #expect(try await store.load(release.id)?.rolloutCase.release.status == .inVerification)
        #expect(hooks.calls.withLock { $0.map(\.1) } == [.inVerification])

        // and applied again: the hook runs again, before the staging is committed (never a staging without its hook)
        let applied = Self.stage(release.id, id: "stage-applied@egi.example.org")
        let working = try Self.loop(test, over: store, hooks: hooks)
        try await working.run { try await working.add(0, size: applied.count, source: "test", read: { applied }) }
        #expect(await working.source.released == [0])
        #expect(working.report.dispositions == [.applied: 1])
        let calls = hooks.calls.withLock { $0 }
        #expect(calls.map(\.0) == [.stageRollOut, .stageRollOut])
        #expect(calls.map(\.1) == [.inVerification, .inVerification], "the hook ran after its change was committed")
        #expect(try await store.load(release.id)?.rolloutCase.release.status == .stageRollOut)
    }

    @Test("the committed messages of a group are released even when the source cannot take a failed one", arguments: drivers)
    func sourceFailureKeepsTheRelease(driver: StoreDriver) async throws {
        // Given: a group of three, the second failing once its seen record is written and kept
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        _ = try await test.staged()
        let faulty = TransactionConformanceTests.failingSecond(store)
        let ingest = try test.ingest(over: faulty)
        let source = BrokenFailureSource()
        let loop = IngestLoop(ingest: ingest, source: source, groupSize: 3)

        // When: the loop applies them and the source cannot take the failed one
        await #expect(throws: SourceBroke.self) {
            try await loop.run { try await TransactionConformanceTests.handOver(TransactionConformanceTests.group, to: loop) }
        }

        // Then: the first and third, committed, are released (never applied again as new); the second stays with it
        #expect(await source.released == [0, 2])
        #expect(try await store.hasSeen("<first@cnaf.example.org>"))
        #expect(try await store.hasSeen("<third@cnaf.example.org>"))
        #expect(try await !store.hasSeen("<second@cnaf.example.org>"))
    }

    @Test("thread roots found within a transaction are remembered once it commits, and not when it is undone", arguments: drivers)
    func threadRootsAfterTheCommit(driver: StoreDriver) async throws {
        // Given: a staged rollout whose team was assigned (the people's thread roots queued), and a new gateway
        // (another process: nothing remembered)
        let store = try await driver.makePlace().open()
        let test = try GatewayOverStore(store)
        let (_, rollout) = try await test.staged()
        try await test.apply("assign NGI_IT-INFN-T1", to: rollout, as: TransactionConformanceTests.mario, at: "2026-11-27 15:00")
        let roots = try await store.pendingOutbox(at: .distantFuture, limit: 1_000).filter(\.opensThread).map(\.messageID)
        #expect(!roots.isEmpty)
        let fresh = try GatewayOverStore(store, clock: test.clock)
        let accept = { (gateway: Gateway, id: String) in
            try await gateway.apply(
                to: rollout, sender: Sender(address: EmailAddress(TransactionConformanceTests.paolo), authentication: .strong),
                text: "accept NGI_IT-INFN-T1", cause: .message(id: id))
        }

        // When: a decision that finds them is undone with its transaction
        let undone = AfterCommit()
        await #expect(throws: Stop.self) {
            try await store.withTransaction { transaction in
                _ = try await accept(fresh.gateway.within(transaction, collecting: undone), "<undone@test>")
                throw Stop()
            }
        }
        // Then: none is remembered
        #expect(fresh.gateway.sentThreadRoots.unknown(among: roots).count == roots.count)

        // and once the same decision is committed, those it found are
        _ = try await fresh.gateway.inTransaction { gateway in try await accept(gateway, "<kept@test>") }
        #expect(fresh.gateway.sentThreadRoots.unknown(among: roots).count < roots.count)
    }

    struct Stop: Error {}
}
