import Foundation
import PostgresTestServer
import RolloutGateway
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several `rollout-gateway` processes on one PostgreSQL database, as two gateway hosts run them.
@Suite("Several gateway instances on one PostgreSQL", .serialized)
struct PostgresInstancesTests {
    /// Messages in both Maildirs, and in each one alone. The issue asks for 1,000 shared.
    static let shared = 1000
    static let unique = 200

    /// A scratch installation: a database of its own, the demo configuration pointing at it, ticket #2 staged with
    /// three teams, and two Maildirs that share `shared` of their messages.
    struct Installation {
        let folder: URL
        let config: String
        let server: PostgresServer
        let database: String
        let environment: [String: String]
        let maildirs: [URL]

        init(shared: Int, unique: Int, extra: (URL) throws -> String = { _ in "" }) throws {
            server = try PostgresServer.shared()
            let settings = try server.makeDatabase("it")
            database = settings.database
            folder = try CLITests.scratch()
            let sqliteConfig = try CLITests.configuration(in: folder, extra: try extra(folder))
            let text = try String(contentsOfFile: sqliteConfig, encoding: .utf8).replacingOccurrences(
                of: "  sqlite: \(folder.path)/gateway.sqlite",
                with: "  postgresql:\n    url: postgresql://\(settings.user)@127.0.0.1:\(settings.port)/\(settings.database)\n    tls: disable")
            config = folder.appendingPathComponent("postgresql.yaml").path
            try text.write(toFile: config, atomically: true, encoding: .utf8)
            environment = [
                "ROLLOUT_STORE_PASSWORD": server.password, "ROLLOUT_GATEWAY_NOW": "2026-11-27T10:00:00+01:00",
                "RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path,
            ]
            for arguments in [
                ["release", "new", "-c", config, "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1", "--os", "SL5",
                 "--arch", "x86_64", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"],
                ["release", "stage", "-c", config, "1"],
                ["apply", "-c", config, "--ticket", "2", "--as", "mario.david@lip.example.org", "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon"],
            ] {
                let result = try CLITests.run(arguments, environment: environment)
                guard result.status == 0 else { throw PostgresServer.Failure("\(arguments[0]) \(arguments[1]) exited \(result.status): \(result.stderr)") }
            }
            // Messages 0..<unique only in the first Maildir, the next `shared` in both, the last `unique` only in the second.
            let pool = folder.appendingPathComponent("pool")
            try CLITests.generateReplies(count: 2 * unique + shared, into: pool)
            let names = try FileManager.default.contentsOfDirectory(atPath: pool.appendingPathComponent("new").path).sorted {
                (Int($0.split(separator: ".")[1]) ?? 0) < (Int($1.split(separator: ".")[1]) ?? 0)
            }
            var maildirs: [URL] = []
            for (index, range) in [0..<(unique + shared), unique..<(2 * unique + shared)].enumerated() {
                let maildir = folder.appendingPathComponent("maildir-\(index)")
                for sub in ["new", "cur", "tmp"] {
                    try FileManager.default.createDirectory(at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
                }
                for name in names[range] {
                    try FileManager.default.copyItem(
                        at: pool.appendingPathComponent("new/\(name)"), to: maildir.appendingPathComponent("new/\(name)"))
                }
                maildirs.append(maildir)
            }
            self.maildirs = maildirs
        }

        /// Starts `ingest --maildir` on one of the Maildirs, with the arrival time of the replies.
        func startIngest(_ index: Int) throws -> Process {
            try start(["ingest", "-c", config, "--maildir", maildirs[index].path], log: "ingest-\(index)")
        }

        /// Starts the gateway with `arguments`, at the arrival time of the replies; its output goes to a log file.
        func start(_ arguments: [String], log name: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment.merging(self.environment) { _, new in new }
            environment["ROLLOUT_GATEWAY_NOW"] = "2026-11-30T16:05:00+01:00"
            process.environment = environment
            let log = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardError = handle
            process.standardOutput = handle
            try process.run()
            return process
        }

        func count(_ index: Int, _ sub: String) -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: maildirs[index].appendingPathComponent(sub).path)) ?? []).count
        }

        /// Runs `ingest` again on a Maildir until its new/ is empty, as the next cron run would (a run that met too
        /// many conflicts on the one busy ticket stops with 75 and leaves the rest in new/); returns the runs needed.
        func finish(_ index: Int) throws -> Int {
            var runs = 0
            while count(index, "new") > 0, runs < 5 {
                let process = try startIngest(index)
                process.waitUntilExit()
                runs += 1
            }
            return runs
        }

        func sql(_ query: String) throws -> String {
            try server.psql(query, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func checkEveryMessageAppliedOnce(distinct: Int) throws {
            for index in maildirs.indices {
                #expect(count(index, "new") == 0)
                #expect(count(index, "failed") == 0)
                #expect(count(index, "cur") == PostgresInstancesTests.shared + PostgresInstancesTests.unique, "maildir \(index)")
            }
            // The messages-seen key is the arbiter: each distinct message recorded once as what became of it, any
            // later copy only as a duplicate.
            #expect(try sql("SELECT COUNT(*) FROM messages_seen WHERE disposition <> 'duplicate'") == "\(distinct)")
            #expect(try sql("SELECT COUNT(DISTINCT message_key) FROM messages_seen WHERE disposition <> 'duplicate'") == "\(distinct)")
            // A message applied twice would have its history written twice: every history entry caused by a message
            // names a message recorded as applied, and no message's entries repeat.
            #expect(try sql("""
                SELECT COUNT(*) FROM (SELECT cause, action, detail FROM history WHERE cause_kind = 'message'
                GROUP BY cause, action, detail HAVING COUNT(*) > 1) repeated
                """) == "0")
            #expect(try sql("""
                SELECT COUNT(DISTINCT cause) FROM history WHERE cause_kind = 'message'
                  AND cause NOT IN (SELECT message_key FROM messages_seen WHERE disposition = 'applied')
                """) == "0")
        }

        /// The notifications queued, by kind: the same whatever order the messages came in (the history is not: a
        /// command refused in one order is applied in another). Answers to senders are left out: their hourly limit
        /// per sender is read before the commit, so two instances answering the same sender at once may each send
        /// the last one allowed (seen here: 62 answers instead of 60 for 1,400 messages). Relayed comments are left
        /// out too: the people a comment goes to are those assigned when it is applied, and whether a reply's text
        /// is a comment at all depends on what was sent to its author before (a text the gateway relayed to them is
        /// read as quoted, issue 12; the generated replies repeat three texts), both of which depend on the order.
        func outcome() throws -> String {
            try sql(
                """
                SELECT kind, COUNT(*) FROM outbox WHERE kind NOT IN ('transcript', 'error-reply', 'conversation')
                GROUP BY kind ORDER BY kind
                """)
        }

        /// The same messages ingested one Maildir after the other by one process, on a database of its own.
        static func sequentialOutcome() throws -> String {
            let baseline = try Installation(shared: PostgresInstancesTests.shared, unique: PostgresInstancesTests.unique)
            for index in baseline.maildirs.indices { _ = try baseline.finish(index) }
            try baseline.checkEveryMessageAppliedOnce(distinct: 2 * PostgresInstancesTests.unique + PostgresInstancesTests.shared)
            return try baseline.outcome()
        }
    }

    @Test("two ingest processes on Maildirs that share 1,000 messages: every message applied once, every notification queued once")
    func twoIngestProcesses() throws {
        let installation = try Installation(shared: Self.shared, unique: Self.unique)
        let started = Date()
        let processes = try [installation.startIngest(0), installation.startIngest(1)]
        for process in processes { process.waitUntilExit() }
        let reruns = try installation.finish(0) + installation.finish(1)
        print("two ingest processes, \(2 * Self.unique + Self.shared) distinct messages: \(String(format: "%.1f", Date().timeIntervalSince(started))) s, \(reruns) further runs")
        try installation.checkEveryMessageAppliedOnce(distinct: 2 * Self.unique + Self.shared)
        // Every notification queued once: the same notifications, by kind, as one process reading the Maildirs in turn.
        let (concurrent, sequential) = (try installation.outcome(), try Installation.sequentialOutcome())
        #expect(concurrent == sequential)
    }

    @Test("the same with one process killed (SIGKILL) mid-way and started again: nothing lost, nothing applied twice")
    func killedAndRestarted() throws {
        let installation = try Installation(shared: Self.shared, unique: Self.unique)
        let victim = try installation.startIngest(0)
        let other = try installation.startIngest(1)
        // Kill it once it has moved a tenth of its messages: it is in the middle of a group then.
        let deadline = Date().addingTimeInterval(300)
        while installation.count(0, "cur") < (Self.shared + Self.unique) / 10, victim.isRunning, Date() < deadline {
            usleep(20_000)
        }
        let wasRunning = victim.isRunning
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(wasRunning, "the first process ended before it could be killed; use more messages")
        #expect(installation.count(0, "new") > 0)
        other.waitUntilExit()
        _ = try installation.finish(0)
        _ = try installation.finish(1)
        try installation.checkEveryMessageAppliedOnce(distinct: 2 * Self.unique + Self.shared)
        let (concurrent, sequential) = (try installation.outcome(), try Installation.sequentialOutcome())
        #expect(concurrent == sequential)
    }

    @Test("two run processes on one Dovecot mailbox: one reads it at a time, every message applied once, every message sent once")
    func twoRunProcesses() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let installation = try Installation(shared: 0, unique: 0) { folder in
            try FullLoopTests.servers(dovecot: dovecot, sink: sink, folder: folder)
        }
        let count = 400
        let pool = installation.folder.appendingPathComponent("replies")
        try CLITests.generateReplies(count: count, into: pool)
        let names = try FileManager.default.contentsOfDirectory(atPath: pool.appendingPathComponent("new").path).sorted()
        try dovecot.seed(try names.map { [UInt8](try Data(contentsOf: pool.appendingPathComponent("new/\($0)"))) })

        let runs = try [installation.start(["run", "-c", installation.config], log: "run-0"), installation.start(["run", "-c", installation.config], log: "run-1")]
        for run in runs { run.waitUntilExit() }
        // Whatever one cycle left (a conflict on the one busy ticket ends a cycle with 75), the next cycles do.
        var more = 0
        while try installation.sql("SELECT COUNT(*) FROM messages_seen") != "\(count)", more < 5 {
            try installation.start(["run", "-c", installation.config], log: "run-more").waitUntilExit()
            more += 1
        }
        #expect(runs.allSatisfy { [0, 75].contains($0.terminationStatus) })

        // Every message applied once (the messages-seen key is the arbiter), none left in the inbox.
        #expect(try installation.sql("SELECT COUNT(*) FROM messages_seen WHERE disposition <> 'duplicate'") == "\(count)")
        #expect(try installation.sql("""
            SELECT COUNT(*) FROM (SELECT cause, action, detail FROM history WHERE cause_kind = 'message'
            GROUP BY cause, action, detail HAVING COUNT(*) > 1) repeated
            """) == "0")
        let inbox = ["new", "cur"].flatMap {
            (try? FileManager.default.contentsOfDirectory(atPath: dovecot.maildir.appendingPathComponent($0).path)) ?? []
        }
        #expect(inbox.isEmpty, "\(inbox.count) messages still in the inbox")
        // One instance reads the mailbox at a time: each message was fetched once over all runs (two reading at once
        // would both fetch the same UIDs).
        let logs = try FileManager.default.contentsOfDirectory(atPath: installation.folder.path).filter { $0.hasPrefix("run-") }
        let fetched = try logs.flatMap { name in
            try String(contentsOfFile: installation.folder.appendingPathComponent(name).path, encoding: .utf8)
                .matches(of: /fetched=(\d+)/).map { Int($0.1)! }
        }
        #expect(fetched.reduce(0, +) == count, "fetched per run: \(fetched)")
        // Each message recorded as sent went out exactly once over SMTP, although both processes sent (what the
        // per-recipient caps hold back waits in the outbox).
        let sent = sink.captures().compactMap { $0.header("Message-Id").first }
        #expect(sent.count > 0)
        #expect(sent.count == Int(try installation.sql("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")))
        #expect(Set(sent).count == sent.count, "\(sent.count - Set(sent).count) messages sent twice")
        print("two run processes, \(count) messages over IMAP: \(more) further runs, \(sent.count) messages sent")
    }
}

/// `store copy` as an operator runs it.
@Suite("store copy on the command line")
struct StoreCopyCommandTests {
    @Test("store copy moves a SQLite installation into PostgreSQL, verified; a second copy into it is refused")
    func copyCommand() throws {
        let server = try PostgresServer.shared()
        let settings = try server.makeDatabase("copy")
        let folder = try CLITests.scratch()
        let sqlite = try CLITests.configuration(in: folder)
        let postgres = folder.appendingPathComponent("postgresql.yaml").path
        try String(contentsOfFile: sqlite, encoding: .utf8).replacingOccurrences(
            of: "  sqlite: \(folder.path)/gateway.sqlite",
            with: "  postgresql:\n    url: postgresql://\(settings.user)@127.0.0.1:\(settings.port)/\(settings.database)\n    tls: disable"
        ).write(toFile: postgres, atomically: true, encoding: .utf8)
        let environment = ["ROLLOUT_STORE_PASSWORD": server.password, "RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        for arguments in [
            ["release", "new", "-c", sqlite, "--stack", "CA", "--version", "1.38", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"],
            ["release", "stage", "-c", sqlite, "1"],
        ] {
            #expect(try CLITests.run(arguments, environment: environment).status == 0)
        }
        let copied = try CLITests.run(["store", "copy", "--from", sqlite, "--to", postgres], environment: environment)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("copied and verified: 2 tickets"))
        let listed = try CLITests.run(["tickets", "list", "-c", postgres], environment: environment)
        #expect(listed.stdout == (try CLITests.run(["tickets", "list", "-c", sqlite], environment: environment)).stdout)
        let again = try CLITests.run(["store", "copy", "--from", sqlite, "--to", postgres], environment: environment)
        #expect(again.status == 74)
        #expect(again.stderr.contains("already holds 2 tickets"))
        #expect(!again.stderr.contains(server.password))
    }
}

extension CLITests {
    /// Writes `count` generated replies to ticket #2 into `maildir`/new (benchmarks/generate_replies.py).
    static func generateReplies(count: Int, into maildir: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [repository.appendingPathComponent("benchmarks/generate_replies.py").path, "\(count)", maildir.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresServer.Failure("generate_replies.py exited \(process.terminationStatus)") }
    }
}

/// A store that cannot be used in the middle of an ingest: the messages stay where they were, for the next run.
@Suite("ingest when the database fails", .serialized)
struct PostgresUnavailableTests {
    @Test("a database that refuses writes (disk full) leaves the Maildir's messages in new/, none in failed/; the next run applies them")
    func unavailableKeepsMessages() throws {
        let installation = try PostgresInstancesTests.Installation(shared: 0, unique: 0)
        try CLITests.generateReplies(count: 20, into: installation.maildirs[0])
        // Every insert into messages_seen fails as a full disk does (SQLSTATE 53100), from the database itself.
        _ = try installation.sql("""
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON messages_seen FOR EACH ROW EXECUTE FUNCTION refuse();
            """)
        let failing = try installation.startIngest(0)
        failing.waitUntilExit()
        #expect(failing.terminationStatus != 0)
        #expect(installation.count(0, "new") == 20)
        #expect(installation.count(0, "failed") == 0)
        #expect(try installation.sql("SELECT COUNT(*) FROM messages_seen") == "0")

        _ = try installation.sql("DROP TRIGGER refuse ON messages_seen")
        let again = try installation.startIngest(0)
        again.waitUntilExit()
        #expect(again.terminationStatus == 0)
        #expect(installation.count(0, "new") == 0)
        #expect(installation.count(0, "cur") == 20)
        #expect(try installation.sql("SELECT COUNT(*) FROM messages_seen") == "20")
    }
}

extension PostgresUnavailableTests {
    @Test("a message with NUL bytes in its headers and text (PostgreSQL refuses NUL in text) is applied and blocks nothing")
    func poisonMessageDoesNotBlock() throws {
        let installation = try PostgresInstancesTests.Installation(shared: 0, unique: 0)
        try CLITests.generateReplies(count: 5, into: installation.maildirs[0])
        // PostgreSQL refuses NUL in text (SQLite does not): raw NUL bytes in the Message-ID and a header, encoded ones
        // in the Subject and in the body.
        let poison = """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
            To: staged-rollout@rollout.example.org\r
            Subject: =?utf-8?q?Re=3A_=5Bstaged-rollout_=232=5D_x=00y?=\r
            Message-ID: <poison-\u{0}nul@cnaf.example.org>\r
            X-Original-From: x\u{0}y@cnaf.example.org\r
            Date: Mon, 30 Nov 2026 16:00:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            accept NGI_IT-INFN-T1=00\r
            \r
            a comment with a NUL =00 inside\r

            """
        // Named to sort first, so that the others come after it in the same run.
        try Data(poison.utf8).write(to: installation.maildirs[0].appendingPathComponent("new/0000000001.poison:2,"))
        let run = try installation.startIngest(0)
        run.waitUntilExit()
        #expect(installation.count(0, "new") == 0, "a message with NUL bytes must not block the Maildir")
        #expect(installation.count(0, "failed") == 0)
        #expect(installation.count(0, "cur") == 6)
        #expect(try installation.sql("SELECT COUNT(*) FROM messages_seen WHERE disposition = 'applied'") == "6")
    }
}
