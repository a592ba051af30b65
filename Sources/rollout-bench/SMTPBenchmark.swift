import Foundation
import Logging
import MailCurl
import RolloutCore
import RolloutGateway

/// Sends N generated messages through ``SMTPTransport`` in one batch (one connection) and prints messages per second.
///
/// `rollout-bench smtp-send --url smtp://127.0.0.1:PORT/bench.example.org --count 5000 --size 3300 --rcpt 2`
/// `--size` is the body's size in bytes, as `smtp-source -l` counts it (headers come on top).
enum SMTPBenchmark {
    static func run(_ arguments: [String]) async {
        var url = "smtp://127.0.0.1:25/bench.example.org"
        var count = 5000
        var size = 3300
        var recipients = 2
        var index = 0
        func value(_ name: String) -> String {
            guard index + 1 < arguments.count else { fail("\(name) needs a value") }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--url": url = value("--url")
            case "--count": count = Int(value("--count")) ?? -1
            case "--size": size = Int(value("--size")) ?? -1
            case "--rcpt": recipients = Int(value("--rcpt")) ?? -1
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
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
            messageID: "bench-\(n)@bench.example.org", ticket: nil, kind: "bench",
            sender: EmailAddress("gateway-bounces@bench.example.org"), recipients: to.map(EmailAddress.init),
            data: Array(text.utf8), createdAt: Date(timeIntervalSince1970: 0))
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data("rollout-bench smtp-send: \(message)\nusage: rollout-bench smtp-send --url smtp://host:port/ehlo-name --count N --size BYTES --rcpt N\n".utf8))
        exit(64)
    }
}
