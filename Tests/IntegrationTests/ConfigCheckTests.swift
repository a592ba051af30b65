import Foundation
import PostgresTestServer
import Testing
import TestSupport

/// `config check --connect` against the real servers: Dovecot, aiosmtpd, PostgreSQL, a closed port.
@Suite("config check --connect logs in to each server and names the exact failure")
struct ConfigCheckTests {
    /// The `imap:` section for this Dovecot, with `password` written into `folder`.
    static func imap(_ dovecot: DovecotServer, password: String, folder: URL) throws -> String {
        let credentials = folder.appendingPathComponent("imap-credentials").path
        try "\(DovecotServer.user):\(password)\n".write(toFile: credentials, atomically: true, encoding: .utf8)
        return "\nimap:\n  url: \(dovecot.url)\n  starttls: off\n  credentials_file: \(credentials)\n"
    }

    static func smtp(port: Int, starttls: String, credentials: String? = nil) -> String {
        "\nsmtp:\n  url: smtp://127.0.0.1:\(port)\n  starttls: \(starttls)\n" + (credentials.map { "  credentials_file: \($0)\n" } ?? "")
    }

    static func line(_ result: CLITests.Result, _ prefix: String) -> String {
        result.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? "(no line \(prefix) in: \(result.stdout))"
    }

    @Test("IMAP, SMTP and PostgreSQL reachable and the logins right: one OK line each, exit 0")
    func allReachable() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let smtp = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { smtp.stop() }
        let postgres = try PostgresServer.shared()
        let settings = try postgres.makeDatabase("check")
        let folder = try CLITests.scratch()
        let smtpCredentials = folder.appendingPathComponent("smtp").path
        try "gateway:right-password".write(toFile: smtpCredentials, atomically: true, encoding: .utf8)
        let sqlite = try CLITests.configuration(
            in: folder,
            extra: try Self.imap(dovecot, password: dovecot.password, folder: folder)
                + Self.smtp(port: smtp.port, starttls: "off", credentials: smtpCredentials))
        let config = folder.appendingPathComponent("postgresql.yaml").path
        try String(contentsOfFile: sqlite, encoding: .utf8).replacingOccurrences(
            of: "  sqlite: \(folder.path)/gateway.sqlite",
            with: "  postgresql:\n    url: postgresql://\(settings.user)@127.0.0.1:\(settings.port)/\(settings.database)\n    tls: disable"
        ).write(toFile: config, atomically: true, encoding: .utf8)
        let result = try CLITests.run(["config", "check", "--connect", "-c", config], environment: ["ROLLOUT_STORE_PASSWORD": postgres.password])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.line(result, "connect imap: ").hasPrefix("connect imap: OK \(dovecot.url): logged in as gateway, INBOX selected"))
        #expect(Self.line(result, "connect smtp: ").hasPrefix("connect smtp: OK smtp://127.0.0.1:\(smtp.port): greeted and logged in as gateway"))
        #expect(Self.line(result, "connect store: ").hasPrefix("connect store: OK postgresql://"))
        // Checked, not migrated: a new binary checked against the database of running instances changes nothing.
        #expect(Self.line(result, "connect store: ").contains("schema version 0; the first run of this binary migrates it"))
        #expect(try postgres.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database: settings.database)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // The SMTP login really happened (aiosmtpd logged the session), and no mail was sent.
        #expect(smtp.clientConnections() == 1)
        #expect(smtp.messages().isEmpty)
        // Without --connect nothing is contacted.
        #expect(try CLITests.run(["config", "check", "-c", config]).status == 0)
        #expect(smtp.clientConnections() == 1)
    }

    @Test("smtp.starttls required against a server without STARTTLS: the exact failure, exit 78, before any run")
    func startTLSRequiredNotOffered() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let smtp = try MisbehavingSMTPServer([])
        defer { smtp.stop() }
        let folder = try CLITests.scratch()
        let config = try CLITests.configuration(
            in: folder, extra: try Self.imap(dovecot, password: dovecot.password, folder: folder) + Self.smtp(port: smtp.port, starttls: "required"))
        // Plain `config check` cannot know.
        #expect(try CLITests.run(["config", "check", "-c", config]).status == 0)
        let result = try CLITests.run(["config", "check", "--connect", "-c", config])
        #expect(result.status == 78, "\(result.stdout)\(result.stderr)")
        #expect(Self.line(result, "connect imap: ").hasPrefix("connect imap: OK"))
        let failure = Self.line(result, "connect smtp: ")
        #expect(failure.hasPrefix("connect smtp: FAILED (configuration) smtp://127.0.0.1:\(smtp.port): STARTTLS not supported. (curl error 64)"), "\(failure)")
    }

    @Test("wrong passwords are the configuration's (78); a closed port and a 421 greeting are temporary (75)")
    func failuresByKind() throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let smtp = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { smtp.stop() }
        let folder = try CLITests.scratch()
        let wrong = folder.appendingPathComponent("smtp").path
        try "gateway:wrong-password".write(toFile: wrong, atomically: true, encoding: .utf8)
        let refused = try CLITests.run([
            "config", "check", "--connect", "-c",
            try CLITests.configuration(
                in: folder, extra: try Self.imap(dovecot, password: "not-\(dovecot.password)", folder: folder)
                    + Self.smtp(port: smtp.port, starttls: "off", credentials: wrong)),
        ])
        #expect(refused.status == 78, "\(refused.stdout)\(refused.stderr)")
        #expect(Self.line(refused, "connect imap: ").hasPrefix("connect imap: FAILED (configuration) \(dovecot.url): "))
        #expect(Self.line(refused, "connect imap: ").contains("curl error 67"))
        #expect(Self.line(refused, "connect smtp: ").hasPrefix("connect smtp: FAILED (configuration) smtp://127.0.0.1:\(smtp.port): "))
        #expect(Self.line(refused, "connect smtp: ").contains("535"))
        #expect(!refused.stdout.contains("wrong-password"))

        let closed = try freeLoopbackPort()
        let down = try CLITests.run([
            "config", "check", "--connect", "-c",
            try CLITests.configuration(in: folder, extra: Self.smtp(port: closed, starttls: "off")),
        ])
        #expect(down.status == 75, "\(down.stdout)\(down.stderr)")
        #expect(Self.line(down, "connect smtp: ").hasPrefix("connect smtp: FAILED (temporary) smtp://127.0.0.1:\(closed): "))
        #expect(Self.line(down, "connect smtp: ").contains("curl error 7"))

        let busy = try MisbehavingSMTPServer(["--greeting-421"])
        defer { busy.stop() }
        let greeting = try CLITests.run([
            "config", "check", "--connect", "-c",
            try CLITests.configuration(in: folder, extra: Self.smtp(port: busy.port, starttls: "off")),
        ])
        #expect(greeting.status == 75, "\(greeting.stdout)\(greeting.stderr)")
        #expect(Self.line(greeting, "connect smtp: ").hasPrefix("connect smtp: FAILED (temporary)"))
    }

    @Test("a release manager, manager or team member at a role address the gateway reads as automatic mail is warned of")
    func roleAddressWarnings() throws {
        let folder = try CLITests.scratch()
        let config = try CLITests.configuration(in: folder)
        let text = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "  - sw-rel-oncall@egi.example.org", with: "  - postmaster@egi.example.org")
            .replacingOccurrences(of: "managers: [bernd.schuller@fz-juelich.example.org]", with: "managers: [MAILER-DAEMON@fz-juelich.example.org]")
            .replacingOccurrences(of: "members: [pavel.weber@kit.example.org]", with: "members: [grid-admins-request@kit.example.org]")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try CLITests.run(["config", "check", "-c", config])
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = result.stdout.split(separator: "\n").filter { $0.hasPrefix("warning: ") && $0.contains("automatic mail") }
        #expect(warnings.count == 3, "\(result.stdout)")
        #expect(warnings.contains { $0.contains("postmaster@egi.example.org (release manager)") })
        #expect(warnings.contains { $0.contains("(manager of unicore)") })
        #expect(warnings.contains { $0.contains("grid-admins-request@kit.example.org (member of ea-NGI_DE-FZK-LCG2)") })
        // The control: the demo's own people raise no such warning.
        let demo = try CLITests.run(["config", "check", "-c", try CLITests.configuration(in: try CLITests.scratch())])
        #expect(!demo.stdout.contains("automatic mail"))
    }
}
