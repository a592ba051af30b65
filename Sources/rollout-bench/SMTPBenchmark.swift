import Foundation
import Logging
import MailCurl
import MailGMime
import RolloutCore
import RolloutGateway
import StoreSQLite

/// Sends N generated messages through ``SMTPTransport`` in one batch (one connection) and prints messages per second.
///
/// `rollout-bench smtp-send --url smtp://127.0.0.1:PORT/bench.example.org --count 5000 --size 3300 --rcpt 2`
/// `--size` is the body's size in bytes, as `smtp-source -l` counts it (headers come on top).
enum SMTPBenchmark {
    static func run(_ arguments: [String]) async {
        let options = BenchmarkArguments(
            arguments, command: "smtp-send", usage: "--url smtp://host:port/ehlo-name --count N --size BYTES --rcpt N [--outbox]",
            options: ["--url", "--count", "--size", "--rcpt"], flags: ["--outbox"])
        let url = options.string("--url", default: "smtp://127.0.0.1:25/bench.example.org")
        let count = options.int("--count", default: 5000)
        let size = options.int("--size", default: 3300)
        let recipients = options.int("--rcpt", default: 2)
        let throughOutbox = options.flag("--outbox")
        func fail(_ message: String) -> Never { options.fail(message) }
        guard count > 0, size >= 0, recipients > 0 else { fail("--count, --size and --rcpt must be positive numbers") }

        let configuration: SMTPConfiguration
        do {
            configuration = try SMTPConfiguration(url: url, startTLS: .off, messageTimeout: .seconds(30))
        } catch {
            fail("\(error)")
        }
        var logger = Logger(label: "rollout-bench")
        logger.logLevel = .error
        let transport = SMTPTransport(configuration: configuration, logger: logger)
        let messages = (0..<count).map { makeMessage($0, size: size, recipients: recipients) }
        if throughOutbox {
            await sendThroughOutbox(messages, transport: transport, logger: logger)
            return
        }

        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await transport.deliver(messages)
        let elapsed = clock.now - start

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let delivered = outcomes.filter { $0 == .delivered }.count
        if delivered != count {
            let firstFailure = outcomes.first { $0 != .delivered }.map { "\($0)" } ?? ""
            FileHandle.standardError.write(Data("rollout-bench: \(count - delivered) of \(count) not delivered: \(firstFailure)\n".utf8))
        }
        print(String(format: "rollout-gateway send: %d messages in %.3f s = %.0f msg/s", delivered, seconds, Double(delivered) / seconds))
        if delivered != count { exit(1) }
    }

    /// `send` as the gateway runs it: the messages queued in a SQLite outbox, then delivered with every outcome
    /// recorded in the store (volume caps raised so that they hold nothing back).
    private static func sendThroughOutbox(_ messages: [OutgoingMessage], transport: SMTPTransport, logger: Logger) async {
        let folder = NSTemporaryDirectory() + "rollout-bench-outbox-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = """
                gateway: { address: gateway@bench.example.org }
                store: { sqlite: gateway.sqlite }
                outbox: { per_recipient_per_hour: 1000000, per_ticket_per_hour: 1000000 }
                release_managers: [rm@bench.example.org]
                stacks: { EMI: { managers: [m@bench.example.org] } }
                teams: { ea-NGI_X-SITE: { members: [t@bench.example.org] } }
                """
            let configuration = try GatewayConfiguration.parse(text, file: folder + "/gateway.yaml")
            let store = try SQLiteTicketStore(path: configuration.storePath, groupCommits: true)
            for (index, chunk) in stride(from: 0, to: messages.count, by: 1000).enumerated() {
                try await store.recordSeen(
                    SeenMessage(key: "bench-\(index)", ticket: nil, sender: nil, disposition: .message(.applied, reason: nil)), at: Date(timeIntervalSince1970: 0),
                    outbox: Array(messages[chunk..<min(chunk + 1000, messages.count)]))
            }
            let gateway = Gateway(
                configuration: configuration, store: store, hooks: NoHooks(), clock: .constant(Date(timeIntervalSince1970: 60)),
                templates: try TemplateLibrary(), logger: logger, writer: GMimeMessageWriter())
            let clock = ContinuousClock()
            let start = clock.now
            let report = try await gateway.send(through: transport)
            try await store.flush()
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "rollout-gateway send (outbox): %d messages in %.3f s = %.0f msg/s", report.delivered, seconds, Double(report.delivered) / seconds))
            if report.delivered != messages.count { exit(1) }
        } catch {
            fail("\(error)")
        }
    }

    struct NoHooks: HookRunner {
        func run(_ hook: HookRun) async throws {}
    }

    private static func makeMessage(_ n: Int, size: Int, recipients: Int) -> OutgoingMessage {
        let to = (1...recipients).map { "rcpt\($0)@bench.example.org" }
        var text = """
            From: Rollout Gateway <gateway@bench.example.org>\r
            To: \(to.joined(separator: ", "))\r
            Subject: [ROLL-\(n)] benchmark\r
            Message-ID: <bench-\(n)@bench.example.org>\r
            Date: Mon, 02 Mar 2026 09:00:00 +0100\r
            Auto-Submitted: auto-generated\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=us-ascii\r
            \r

            """
        var body = ""
        body.reserveCapacity(size)
        while body.utf8.count + 2 < size {
            let line = String(repeating: "x", count: min(76, size - body.utf8.count - 2))
            body += line + "\r\n"
        }
        text += body
        return OutgoingMessage(
            messageID: "bench-\(n)@bench.example.org", ticket: nil, kind: .notification(.releaseStaged),
            sender: EmailAddress("gateway-bounces@bench.example.org"), recipients: to.map(EmailAddress.init),
            data: Array(text.utf8), createdAt: Date(timeIntervalSince1970: 0))
    }

    private static func fail(_ message: String) -> Never {
        BenchmarkArguments([], command: "smtp-send", usage: "--url smtp://host:port/ehlo-name --count N --size BYTES --rcpt N [--outbox]", options: [])
            .fail(message)
    }
}
