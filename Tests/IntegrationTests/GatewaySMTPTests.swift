import Foundation
import Logging
import MailCurl
import MailGMime
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing

/// `send` end to end: the gateway's outbox, over libcurl SMTP, into real servers on loopback.
@Suite("send over SMTP")
struct GatewaySMTPTests {
    /// A gateway on a scratch SQLite store: release #1 staged into ticket #2, three teams assigned.
    struct World {
        let folder: URL
        let store: SQLiteTicketStore
        let gateway: Gateway
        let clock: Clock

        final class Clock: @unchecked Sendable {
            private let lock = NSLock()
            private var current = Date(timeIntervalSince1970: 1_764_252_000)  // Thu 2025-11-27 14:00 UTC
            var now: Date {
                get { lock.withLock { current } }
                set { lock.withLock { current = newValue } }
            }
        }

        init(extra: String = "") async throws {
            folder = try ServerFixtures.makeScratchDirectory("gateway-smtp")
            let text = """
                gateway:
                  address: staged-rollout@rollout.example.org
                store:
                  sqlite: gateway.sqlite
                outbox:
                \(extra)
                release_managers: [release-manager@egi.example.org]
                stacks:
                  EMI:
                    managers: [mario.david@lip.example.org]
                    lists: [early-adopters-emi@lists.egi.example.org]
                teams:
                  ea-NGI_IT-INFN-T1: { members: [paolo.veronesi@cnaf.example.org] }
                  ea-NGI_DE-FZK-LCG2: { members: [pavel.weber@kit.example.org] }
                  ea-IBERGRID-LIP-Lisbon: { members: [nobody@lip.example.org] }
                # The staged rollout's mail only: the release manager's copy of `release new` is not what these count.
                notifications:
                  - when: release-created
                    to: []
                """
            let configuration = try GatewayConfiguration.parse(text, file: folder.appendingPathComponent("gateway.yaml").path)
            store = try SQLiteTicketStore(path: configuration.storePath)
            let clock = Clock()
            self.clock = clock
            gateway = Gateway(
                configuration: configuration, store: store, hooks: NoHooks(), clock: DateSource { clock.now },
                templates: try TemplateLibrary(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                writer: GMimeMessageWriter())
            let release = try await gateway.createRelease(
                ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1"),
                links: ReleaseLinks(releaseNotes: "https://notes", fixedBugs: "https://bugs", documentation: "https://docs"))
            _ = try await gateway.stageRelease(release.id, operatorName: "tester")
            _ = try await gateway.apply(
                to: TicketID(2), sender: Sender(address: EmailAddress("mario.david@lip.example.org"), authentication: .weak),
                text: "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon", cause: .operatorAction("test"))
        }

        func transport(_ url: String, credentials: SMTPCredentials? = nil) throws -> SMTPTransport {
            SMTPTransport(
                configuration: try SMTPConfiguration(
                    url: url, startTLS: .off, credentials: credentials, connectTimeout: .seconds(2), messageTimeout: .seconds(10)),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        }

        /// Every queued message is still queued, never tried: attempts 0, no error, nothing failed on the ticket.
        func expectAllQueuedUntouched(_ count: Int) async throws {
            let pending = try await store.pendingOutbox(at: clock.now, limit: 100)
            #expect(pending.count == count)
            #expect(pending.allSatisfy { $0.attempts == 0 })
            #expect(try await store.outboxCounts().failed == 0)
            #expect(try await store.history(of: TicketID(2)).allSatisfy { $0.action != .deliveryFailed })
        }
    }

    struct NoHooks: HookRunner {
        func run(_ hook: HookRun) async throws {}
    }

    @Test("every queued notification reaches the server once, with its envelope and headers")
    func delivers() async throws {
        let world = try await World()
        let sink = try SMTPSink()
        defer { sink.stop() }
        let report = try await world.gateway.send(through: try world.transport(sink.url))
        #expect(report.delivered == 4 && report.stillQueued == 0)  // managers' notice + three teams
        let captures = sink.captures()
        #expect(captures.count == 4)
        let recipients = Set(captures.flatMap(\.rcptArgs))
        #expect(recipients.isSuperset(of: ["<paolo.veronesi@cnaf.example.org>", "<mario.david@lip.example.org>"]))
        for capture in captures {
            #expect(capture.mailArgs?.contains("staged-rollout+bounces-t") == true)  // the return path names the ticket
            #expect(capture.message.contains("Subject: [staged-rollout #2] "))
            #expect(capture.message.contains("Auto-Submitted: auto-generated"))
            #expect(capture.message.contains("X-Loop: staged-rollout@rollout.example.org"))
        }
        #expect(try await world.gateway.send(through: try world.transport(sink.url)).delivered == 0)
        #expect(sink.captures().count == 4)
    }

    @Test("a refused recipient is recorded on the ticket and the managers are told; the others get the mail")
    func refusedRecipient() async throws {
        let world = try await World()
        let server = try MisbehavingSMTPServer(["--refuse-rcpt", "nobody@lip.example.org"])
        defer { server.stop() }
        let report = try await world.gateway.send(through: try world.transport(server.url))
        #expect(report.delivered == 4)
        let history = try await world.store.history(of: TicketID(2))
        let failure = try #require(history.first { $0.action == .deliveryFailed })
        #expect(failure.detail.contains("nobody@lip.example.org"))
        #expect(failure.detail.contains("550"))
        // The managers' notice went out in the same run.
        let notice = try #require(server.messages().first { ($0.data ?? "").contains("Undeliverable mail") })
        #expect(notice.rcpt_tos == ["mario.david@lip.example.org"])
        #expect(try await world.store.outboxCounts().queued == 0)
    }

    @Test("a 4xx keeps the mail queued with a backoff; the next run delivers it, and nothing twice")
    func temporaryFailureThenResume() async throws {
        let world = try await World()
        let refusing = try MisbehavingSMTPServer(["--refuse-data-451"])
        let first = try await world.gateway.send(through: try world.transport(refusing.url))
        refusing.stop()
        #expect(first.deferred == 4 && first.delivered == 0 && first.stillQueued == 4)
        #expect(try await world.store.pendingOutbox(at: world.clock.now, limit: 10).isEmpty)  // waiting for the backoff
        world.clock.now = world.clock.now.addingTimeInterval(61)
        let sink = try SMTPSink()
        defer { sink.stop() }
        let second = try await world.gateway.send(through: try world.transport(sink.url))
        #expect(second.delivered == 4 && second.stillQueued == 0)
        #expect(sink.captures().count == 4)
    }

    @Test("a server that is down loses nothing: every notification stays queued, no attempt counted")
    func serverDown() async throws {
        let world = try await World()
        let report = try await world.gateway.send(through: try world.transport("smtp://127.0.0.1:1/gateway.example.org"))
        #expect(report.sessionUnavailable?.contains("smtp://127.0.0.1:1") == true)
        #expect(report.sessionRefused == nil)
        #expect(report.deferred == 0 && report.failed == 0 && report.stillQueued == 4)
        try await world.expectAllQueuedUntouched(4)
    }

    @Test("over the per-recipient cap mail waits in the outbox and the managers are told once")
    func volumeCap() async throws {
        let world = try await World(extra: "  per_recipient_per_hour: 2\n")
        for index in 1...4 {
            _ = try await world.gateway.apply(
                to: TicketID(2), sender: Sender(address: EmailAddress("pavel.weber@kit.example.org"), authentication: .weak),
                text: "Update \(index): still testing.", cause: .operatorAction("test \(index)"))
        }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let first = try await world.gateway.send(through: try world.transport(sink.url))
        #expect(first.held > 0)
        let toManager = sink.captures().filter { $0.rcptArgs.contains("<mario.david@lip.example.org>") }
        // The release-staged notice (workflow notices are counted apart from relays), two relays within the cap, then
        // the one notice about the cap.
        #expect(toManager.count == 4)
        #expect(toManager.filter { $0.message.contains("Update ") }.count == 2)
        #expect(toManager.contains { $0.message.contains("Outbound mail held back") })
        #expect(try await world.store.history(of: TicketID(2)).contains { $0.action == .outboxHeld })

        world.clock.now = world.clock.now.addingTimeInterval(16 * 60)
        let second = try await world.gateway.send(through: try world.transport(sink.url))
        #expect(second.held > 0)
        #expect(sink.captures().filter { $0.message.contains("Outbound mail held back") }.count == 1)

        world.clock.now = world.clock.now.addingTimeInterval(3600)
        let later = try await world.gateway.send(through: try world.transport(sink.url))
        #expect(later.delivered > 0)
    }

    @Test("a wrong SMTP password loses nothing: one refused login, every message queued as it was; the right one sends")
    func wrongPassword() async throws {
        // Given a server that requires AUTH, and four queued notifications
        let world = try await World()
        let server = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { server.stop() }
        // When send logs in with the wrong password
        let wrong = try await world.gateway.send(
            through: try world.transport(server.url, credentials: SMTPCredentials(username: "gateway", password: "wrong")))
        // Then the session is refused once, nothing is sent, failed or counted
        #expect(wrong.sessionRefused?.contains("127.0.0.1:\(server.port)") == true)
        #expect(wrong.sessionRefused?.contains("login refused") == true)
        #expect(wrong.delivered == 0 && wrong.failed == 0 && wrong.deferred == 0 && wrong.stillQueued == 4)
        #expect(server.events().filter { $0.event == "auth-refused" }.count == 1)
        #expect(server.messages().isEmpty)
        try await world.expectAllQueuedUntouched(4)
        // and once the password is right, everything goes out
        let right = try await world.gateway.send(
            through: try world.transport(server.url, credentials: SMTPCredentials(username: "gateway", password: "right-password")))
        #expect(right.sessionRefused == nil)
        #expect(right.delivered == 4 && right.stillQueued == 0)
        #expect(server.messages().count == 4)
    }

    @Test("no login at all where the server requires one (530 at MAIL FROM) is the session's failure too")
    func missingLogin() async throws {
        let world = try await World()
        let server = try MisbehavingSMTPServer(["--auth", "gateway:right-password"])
        defer { server.stop() }
        let report = try await world.gateway.send(through: try world.transport(server.url))
        #expect(report.sessionRefused?.contains("530") == true)
        #expect(report.delivered == 0 && report.failed == 0 && report.stillQueued == 4)
        try await world.expectAllQueuedUntouched(4)
    }

    @Test("a 554 greeting or the gateway's own address refused at MAIL FROM: session refused, every message queued")
    func sessionRefusals() async throws {
        for behaviour in [["--greeting-554"], ["--refuse-mail-from", "staged-rollout"]] {
            let world = try await World()
            let server = try MisbehavingSMTPServer(behaviour)
            defer { server.stop() }
            let report = try await world.gateway.send(through: try world.transport(server.url))
            #expect(report.sessionRefused != nil, "\(behaviour)")
            #expect(report.delivered == 0 && report.failed == 0 && report.deferred == 0 && report.stillQueued == 4, "\(behaviour)")
            #expect(server.clientConnections() == 1, "\(behaviour): one session tried, not one per message")
            try await world.expectAllQueuedUntouched(4)
        }
    }

    @Test("a 5xx after DATA is the message's: it fails for good and the managers are told")
    func refusedAfterData() async throws {
        let world = try await World()
        let server = try MisbehavingSMTPServer(["--refuse-data-554"])
        defer { server.stop() }
        let report = try await world.gateway.send(through: try world.transport(server.url))
        #expect(report.sessionRefused == nil)
        // the four notifications, and the managers' notices about them (refused too, and never noticed again)
        #expect(report.failed == 8)
        #expect(try await world.store.outboxCounts().failed == 8)
        #expect(try await world.store.history(of: TicketID(2)).contains { $0.action == .deliveryFailed })
    }
}
