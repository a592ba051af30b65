import Foundation
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing
import TestSupport

/// `rollout-gateway send` when the mail server cannot take a session (issue 20, item 2): one log line naming the
/// server, exit 75, the run stops, and no message's attempt counter moves, so an outage never gives mail up.
@Suite("send when the mail server is down or puts the session off")
struct SendSessionFailureTests {
    /// A staged release (its managers' notice, and more) queued in a scratch store whose `smtp` is `url`.
    static func queued(smtp url: String, credentials: String? = nil) throws -> (config: String, store: String) {
        let folder = try CLITests.scratch()
        var smtp = "\nsmtp:\n  url: \(url)\n  starttls: \"off\"\n"
        if let credentials {
            let file = folder.appendingPathComponent("smtp").path
            try credentials.write(toFile: file, atomically: true, encoding: .utf8)
            smtp += "  credentials_file: \(file)\n"
        }
        let config = try CLITests.configuration(in: folder, extra: smtp)
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        try CLITests.run(["release", "new", "-c", config, "--stack", "CA", "--version", "1.38", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], environment: hooks)
        try CLITests.run(["release", "stage", "-c", config, "1"], environment: hooks)
        return (config, folder.appendingPathComponent("gateway.sqlite").path)
    }

    /// Every queued message as the store has it.
    static func outbox(_ path: String) async throws -> [OutgoingMessage] {
        try await SQLiteTicketStore(path: path).pendingOutbox(at: Date.distantFuture, limit: 1000)
    }

    /// Runs `send` and checks what every session failure must give: exit 75, one line naming the server, no
    /// per-message failure lines, every message queued with its attempts and next try unchanged.
    static func expectOneSessionFailure(config: String, store: String, server: String, reason: String) async throws {
        let before = try await outbox(store)
        #expect(before.count >= 2, "several messages queued, so that stopping at the first one shows")

        let send = try CLITests.run(["send", "-c", config])

        #expect(send.status == 75, "\(send.stderr)")
        let lines = send.stderr.split(separator: "\n")
        let failures = lines.filter { $0.contains("the mail server is unavailable") }
        #expect(failures.count == 1, "\(send.stderr)")
        #expect(failures.first?.contains(server) == true)
        #expect(failures.first?.contains(reason) == true, "\(failures)")
        #expect(!lines.contains { $0.contains("delivery failed") || $0.contains("delivery deferred") }, "\(send.stderr)")
        #expect(send.stdout.contains("delivered 0, deferred 0, failed 0"))
        let after = try await outbox(store)
        #expect(after.map(\.messageID) == before.map(\.messageID))
        #expect(after.map(\.attempts) == before.map(\.attempts) && after.allSatisfy { $0.attempts == 0 })
        #expect(after.map(\.nextAttemptAt) == before.map(\.nextAttemptAt))
        #expect(try await SQLiteTicketStore(path: store).outboxCounts().failed == 0)
    }

    @Test("454 4.7.0 to AUTH (the MTA's login service down) is temporary: exit 75, not 78; one AUTH tried, not one per message")
    func temporaryAuthenticationFailure() async throws {
        let server = try MisbehavingSMTPServer(["--auth-454"])
        defer { server.stop() }
        let (config, store) = try Self.queued(smtp: server.url, credentials: "gateway:secret")
        try await Self.expectOneSessionFailure(config: config, store: store, server: "smtp://127.0.0.1:\(server.port)", reason: "454 4.7.0")
        #expect(server.events().filter { $0.event == "auth-454" }.count == 1)
        #expect(server.messages().isEmpty)
    }

    @Test("a 421 greeting (the MTA shutting down) stops the run at the first session: one connection, exit 75")
    func greeting421() async throws {
        let server = try MisbehavingSMTPServer(["--greeting-421"])
        defer { server.stop() }
        let (config, store) = try Self.queued(smtp: server.url)
        try await Self.expectOneSessionFailure(config: config, store: store, server: "smtp://127.0.0.1:\(server.port)", reason: "421")
        #expect(server.clientConnections() == 1)
    }

    @Test("a closed port (connection refused) stops the run with one line; a long outage never exhausts max_attempts")
    func connectionRefused() async throws {
        let port = try freeLoopbackPort()
        let (config, store) = try Self.queued(smtp: "smtp://127.0.0.1:\(port)/gateway.example.org")
        try await Self.expectOneSessionFailure(config: config, store: store, server: "smtp://127.0.0.1:\(port)", reason: "cannot connect")
        // Twelve more runs of an outage (more than outbox.max_attempts, 10): still nothing given up or counted.
        for _ in 1...12 { #expect(try CLITests.run(["send", "-c", config]).status == 75) }
        #expect(try await Self.outbox(store).allSatisfy { $0.attempts == 0 })
        #expect(try await SQLiteTicketStore(path: store).outboxCounts().failed == 0)
    }

    @Test("a 5xx to AUTH stays a configuration error: exit 78")
    func permanentAuthenticationFailure() throws {
        let server = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { server.stop() }
        let (config, _) = try Self.queued(smtp: server.url, credentials: "gateway:wrong")
        let send = try CLITests.run(["send", "-c", config])
        #expect(send.status == 78, "\(send.stderr)")
        #expect(send.stderr.contains("535"))
    }
}
