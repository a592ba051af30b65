import Foundation
import Logging
import MailCurl
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing

/// The whole loop with real servers: the gateway notifies a team over SMTP (smtp-sink), the team's reply lands
/// in the gateway's Dovecot mailbox, `run` fetches and applies it, the acknowledgement goes out.
@Suite("run: IMAP in, SMTP out, end to end")
struct FullLoopTests {
    /// A configuration for the CLI: the demo's people, this test's Dovecot and smtp-sink, a scratch store.
    static func configuration(dovecot: DovecotServer, sink: SMTPSink, folder: URL) throws -> String {
        try CLITests.configuration(in: folder, extra: try servers(dovecot: dovecot, sink: sink, folder: folder))
    }

    /// The configuration's `imap` and `smtp` sections for this test's Dovecot and smtp-sink (the IMAP credentials
    /// written into `folder`).
    static func servers(dovecot: DovecotServer, sink: SMTPSink, folder: URL) throws -> String {
        let credentials = folder.appendingPathComponent("imap-credentials").path
        try "\(DovecotServer.user):\(dovecot.password)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        return """

            imap:
              url: \(dovecot.url)
              starttls: off
              credentials_file: \(credentials)
              connections: 2
            smtp:
              url: \(sink.url)
              starttls: off
            """
    }

    @Test("a team's reply fetched over IMAP is applied once and acknowledged over SMTP; it leaves the inbox")
    func fullLoop() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let folder = try CLITests.scratch()
        let config = try Self.configuration(dovecot: dovecot, sink: sink, folder: folder)
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        func cli(_ arguments: [String], at time: String) throws -> CLITests.Result {
            try CLITests.run(arguments + ["-c", config, "--now", time], environment: hooks)
        }
        _ = try cli(["release", "new", "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], at: "2026-11-27T09:00:00+01:00")
        _ = try cli(["release", "stage", "1"], at: "2026-11-27T10:00:00+01:00")
        _ = try cli(["apply", "--ticket", "2", "--as", "mario.david@lip.example.org", "assign NGI_IT-INFN-T1"], at: "2026-11-27T15:00:00+01:00")

        // First cycle: nothing to fetch; the notifications go out over SMTP.
        let first = try cli(["run"], at: "2026-11-27T15:01:00+01:00")
        #expect(first.status == 0, "\(first.stderr)")
        let notification = try #require(sink.captures().first { $0.rcptArgs.contains("<paolo.veronesi@cnaf.example.org>") })
        let subject = try #require(notification.header("Subject").first)
        let messageID = try #require(notification.header("Message-Id").first)  // GMime spells it Message-Id

        // The team answers the notification; its MTA delivers the reply into the gateway's mailbox.
        let reply = """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
            To: staged-rollout@rollout.example.org\r
            Subject: Re: \(subject)\r
            Message-ID: <reply-1@cnaf.example.org>\r
            In-Reply-To: \(messageID)\r
            References: \(messageID)\r
            Date: Mon, 30 Nov 2026 10:00:00 +0100\r
            \r
            accept NGI_IT-INFN-T1\r
            \r
            On Fri, 27 Nov 2026 at 15:00, EGI Staged Rollout wrote:\r
            > Please acknowledge by replying with exactly one of these lines:\r
            >     accept NGI_IT-INFN-T1\r
            >     reject NGI_IT-INFN-T1\r

            """
        try dovecot.seed([Array(reply.utf8)])

        let second = try cli(["run"], at: "2026-11-30T10:05:00+01:00")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("fetched=1"))
        #expect(second.stderr.contains("applied=1"))
        let show = try cli(["tickets", "show", "2", "--json"], at: "2026-11-30T10:06:00+01:00")
        #expect(show.stdout.contains("\"answer\" : \"accepted\""))
        // One answer reached the sender: the transcript, with the acknowledgement folded in.
        let toTeam = sink.captures().filter { $0.rcptArgs.contains("<paolo.veronesi@cnaf.example.org>") }
        #expect(!toTeam.contains { $0.message.contains("Your answer for") })
        #expect(toTeam.contains { $0.message.contains("Auto-Submitted: auto-replied") && $0.message.contains("downtime NGI_IT-INFN-T1 on") })
        // The reply left the inbox for the processed folder; nothing was deleted.
        #expect(dovecot.messages()?.isEmpty == true)
        #expect(dovecot.messages(in: "processed")?.count == 1)

        // Another cycle applies nothing twice.
        let third = try cli(["run"], at: "2026-11-30T10:10:00+01:00")
        #expect(third.status == 0)
        #expect(third.stderr.contains("fetched=0"))
    }

    @Test("run names the server and exits 78 on a wrong password, 75 when the server is down; timers and the outbox still run")
    func serverFailures() throws {
        let dovecot = try DovecotServer()
        let sink = try SMTPSink()
        defer { sink.stop() }
        let folder = try CLITests.scratch()
        let config = try Self.configuration(dovecot: dovecot, sink: sink, folder: folder)
        try "\(DovecotServer.user):wrong-password\n".write(toFile: folder.appendingPathComponent("imap-credentials").path, atomically: true, encoding: .utf8)
        let denied = try CLITests.run(["run", "-c", config])
        #expect(denied.status == 78, "\(denied.stderr)")
        #expect(denied.stderr.contains(dovecot.url))
        dovecot.stop()
        try "\(DovecotServer.user):x\n".write(toFile: folder.appendingPathComponent("imap-credentials").path, atomically: true, encoding: .utf8)
        let down = try CLITests.run(["run", "-c", config])
        #expect(down.status == 75, "\(down.stderr)")
        #expect(down.stderr.contains("run done"))
    }
}

/// A gateway with ticket #2 staged on a fresh SQLite store, `count` replies with a note each, and `run` cycles
/// over a Dovecot, through an interfering wrapper when asked to.
struct IMAPRunSetting {
    let folder: URL
    let store: SQLiteTicketStore
    let gateway: Gateway
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    let messages: [[UInt8]]

    init(count: Int, extraConfiguration: String = "") async throws {
        folder = try CLITests.scratch()
        let configuration = try GatewayConfiguration.load(from: try CLITests.configuration(in: folder, extra: extraConfiguration))
        store = try SQLiteTicketStore(path: configuration.storePath, groupCommits: true)
        gateway = Gateway(
            configuration: configuration, store: store, hooks: ProcessHookRunner(commands: [:]),
            clock: .constant(Date(timeIntervalSince1970: 1_796_000_000)), templates: try TemplateLibrary(), logger: logger,
            writer: GMimeMessageWriter())
        let release = try await gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1"),
            links: ReleaseLinks(releaseNotes: "a", fixedBugs: "b", documentation: "c"))
        _ = try await gateway.stageRelease(release.id, operatorName: "test")
        messages = (0..<count).map { $0 + 1 }.map { index in
            Array("""
                From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
                To: staged-rollout@rollout.example.org\r
                Subject: Re: [staged-rollout #2] Please test\r
                Message-ID: <note-\(index)@cnaf.example.org>\r
                \r
                Note \(index): the upgrade of disk server \(index) went fine.\r

                """.utf8)
        }
    }

    func cycle(_ dovecot: DovecotServer, interfering: ((any MailFetcher) -> any MailFetcher)? = nil) throws -> RunCycle {
        let imap = try IMAPConfiguration(
            url: dovecot.url, startTLS: .off, credentials: IMAPCredentials(username: DovecotServer.user, password: dovecot.password),
            connections: 2, connectTimeout: .seconds(3), commandTimeout: .seconds(5))
        let fetcher: any MailFetcher = IMAPFetcher(configuration: imap, logger: logger)
        return RunCycle(
            ingest: Ingest(gateway: gateway, parser: GMimeMailParser()), mailboxes: store, fetcher: interfering?(fetcher) ?? fetcher,
            mailbox: "INBOX", maxAttempts: 5, transport: MaildirTransport(root: folder.appendingPathComponent("outbox").path))
    }

    /// Every note applied exactly once.
    func expectEachNoteOnce() async throws {
        // Relayed one by one up to the flood limit, the rest kept on the ticket as held: each recorded once either way.
        let comments = try await store.history(of: TicketID(2)).filter { [HistoryAction.comment, .commentHeld].contains($0.action) }
        #expect(comments.count == messages.count)
        #expect(Set(comments.map(\.cause.description)).count == messages.count)
    }
}

/// Killing the server in the middle of a fetch: the next cycle loses nothing and applies nothing twice.
@Suite("run: a server that disappears mid-fetch")
struct FetchInterruptionTests {
    /// Passes calls to a real fetcher; after `after` messages were handled, kills the real server or, with `skipping`,
    /// hands that many messages over no more (as when the server does not return them).
    final class InterferingFetcher: MailFetcher, @unchecked Sendable {
        let inner: any MailFetcher
        let dovecot: DovecotServer
        let after: Int
        let skipping: Int?
        /// Whether the first move out of the mailbox fails (a server that went away meanwhile).
        let failingFirstMove: Bool
        private let lock = NSLock()
        private var handled = 0
        private var moves = 0

        init(_ inner: any MailFetcher, killing dovecot: DovecotServer, after: Int, skipping: Int? = nil, failingFirstMove: Bool = false) {
            self.inner = inner
            self.dovecot = dovecot
            self.after = after
            self.skipping = skipping
            self.failingFirstMove = failingFirstMove
        }

        var name: String { inner.name }
        var movesWhileFetching: Bool { inner.movesWhileFetching }
        func pending(mailbox: String, after cursor: MailboxCursor?) async throws -> (uidValidity: UInt32, uids: [UInt32]) {
            try await inner.pending(mailbox: mailbox, after: cursor)
        }
        func fetch(mailbox: String, uidValidity: UInt32, uids: [UInt32], sizeLimit: Int, handle: @Sendable (FetchedMessage) async throws -> Void) async throws {
            try await inner.fetch(mailbox: mailbox, uidValidity: uidValidity, uids: uids, sizeLimit: sizeLimit) { message in
                let count = self.lock.withLock { () -> Int in
                    self.handled += 1
                    return self.handled
                }
                if let skipping, count > self.after, count <= self.after + skipping { return }
                try await handle(message)
                if skipping == nil, count == self.after { self.dovecot.kill() }
            }
        }
        func markProcessed(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws {
            let move = lock.withLock { () -> Int in
                moves += 1
                return moves
            }
            if failingFirstMove, move == 1 { throw MailFetchError(.temporary, "\(name): the connection was lost while moving") }
            try await inner.markProcessed(mailbox: mailbox, uidValidity: uidValidity, uids: uids)
        }
        func quarantine(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws {
            try await inner.quarantine(mailbox: mailbox, uidValidity: uidValidity, uids: uids)
        }
    }

    @Test("nothing is lost, nothing applied twice")
    func killedMidFetch() async throws {
        // More than the fetcher downloads ahead of `handle` over two connections (IMAPFetcher.windowPerConnection each)
        let setting = try await IMAPRunSetting(count: 400)
        let first = try DovecotServer()
        try first.seed(setting.messages)
        let interrupted = try await setting.cycle(first) { InterferingFetcher($0, killing: first, after: 70) }.run()
        #expect(interrupted.fetchError?.kind == .temporary)
        #expect(interrupted.fetched >= 70 && interrupted.fetched < setting.messages.count)

        // The server comes back (a new instance over what its mailbox still held: new UIDs, new UIDVALIDITY).
        let remaining = first.messages() ?? []
        #expect(remaining.count + (first.messages(in: "processed")?.count ?? 0) == setting.messages.count)  // nothing lost
        let second = try DovecotServer()
        defer { second.stop() }
        try second.seed(remaining.map(\.bytes))
        first.stop()
        // Dovecot takes a new mailbox's UIDVALIDITY from the clock: two servers started within a second would give the
        // same one, and the cursor of the first would skip UIDs of the second.
        try second.changeUIDValidity(to: UInt32(Date().timeIntervalSince1970) + 1_000_000)
        let resumed = try await setting.cycle(second).run()
        #expect(resumed.fetchError == nil)
        // One cycle takes everything. (Messages were left behind when both servers had the same UIDVALIDITY: the
        // cursor of the first, at UID 256 or more, then skipped the second's first UIDs, which were never asked for.)
        #expect(second.messages()?.isEmpty == true, "left: \(second.messages()?.count ?? -1), report: \(resumed)")
        #expect(resumed.fetched == remaining.count)
        try await setting.expectEachNoteOnce()
    }

    @Test("a move out of the mailbox that fails while the next chunk is applied: the cycle stops as a temporary failure, the cursor stays, and the next cycle recognises, applies and moves everything once")
    func moveFailsWhileNextChunkApplies() async throws {
        // Given: three chunks of 256; the first chunk's move fails while the second chunk is fetched and applied
        let setting = try await IMAPRunSetting(count: 600)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed(setting.messages)
        let failing = try await setting.cycle(dovecot) { InterferingFetcher($0, killing: dovecot, after: Int.max, failingFirstMove: true) }.run()
        #expect(failing.fetchError?.kind == .temporary)
        // The second chunk was applied while the first one's move ran: committed, not moved; the third never fetched
        #expect(failing.fetched == 512)
        #expect(dovecot.messages()?.count == 600)
        #expect(try await setting.store.cursor(of: "INBOX")?.lastUID ?? 0 == 0)

        // When: the next cycle runs
        let next = try await setting.cycle(dovecot).run()

        // Then: everything is moved out, the 512 recognised, and every note applied once
        #expect(next.fetchError == nil)
        #expect(next.dispositions[.duplicate] == 512)
        #expect(dovecot.messages()?.isEmpty == true)
        #expect(dovecot.messages(in: "processed")?.count == 600)
        try await setting.expectEachNoteOnce()
    }

    @Test("messages the fetcher did not hand over are asked for again by the next cycle")
    func notHandedOver() async throws {
        // Given: a cycle in which messages 30 to 39 of 100 do not arrive (the server did not return them)
        let setting = try await IMAPRunSetting(count: 100)
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed(setting.messages)
        let partial = try await setting.cycle(dovecot) { InterferingFetcher($0, killing: dovecot, after: 29, skipping: 10) }.run()
        #expect(partial.fetched == 90)
        #expect(dovecot.messages()?.count == 10)

        // When: the next cycle runs
        let next = try await setting.cycle(dovecot).run()

        // Then: it fetches and applies those ten; the inbox is empty and every note was applied once
        #expect(next.fetched == 10)
        #expect(dovecot.messages()?.isEmpty == true)
        try await setting.expectEachNoteOnce()
    }
}

@Suite("run: an oversized message over IMAP")
struct OversizedOverIMAPTests {
    @Test("is answered from its header block and set aside, its body never downloaded, and leaves the inbox")
    func oversized() async throws {
        let setting = try await IMAPRunSetting(count: 0, extraConfiguration: "\ninbound:\n  max_message_bytes: 50000\n")
        var big = """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
            To: staged-rollout@rollout.example.org\r
            Subject: Re: [staged-rollout #2] our report\r
            Message-ID: <big-report@cnaf.example.org>\r
            \r
            accept NGI_IT-INFN-T1\r

            """
        while big.utf8.count < 200_000 { big += String(repeating: "x", count: 76) + "\r\n" }
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.seed([Array(big.utf8)])
        let outbox = setting.folder.appendingPathComponent("outbox").path
        let report = try await setting.cycle(dovecot).run()
        #expect(report.dispositions[.setAside] == 1)
        #expect(dovecot.messages()?.isEmpty == true)
        #expect(dovecot.messages(in: "processed")?.count == 1)
        // The sender was told why; nothing was applied.
        let answers = try FileManager.default.contentsOfDirectory(atPath: outbox + "/new").compactMap {
            try? String(contentsOfFile: outbox + "/new/" + $0, encoding: .utf8)
        }
        #expect(answers.contains { $0.contains("To: paolo.veronesi@cnaf.example.org") && $0.contains("Not processed") })
        #expect(try await setting.store.load(TicketID(2))?.rolloutCase.rollout?.teams.isEmpty == true)
    }
}
