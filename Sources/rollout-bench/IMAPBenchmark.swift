import Foundation
import Logging
import MailCurl
import RolloutGateway

/// Fetches every message of a mailbox over IMAP through ``IMAPFetcher`` (no processing) and prints messages per second.
///
/// `rollout-bench imap-fetch --url imap://127.0.0.1:PORT --user U --password P --mailbox INBOX --connections N`
/// The time covers login, `pending` (STATUS, UID SEARCH), the size check and every download; bodies are
/// only counted. The password may also come from `ROLLOUT_IMAP_PASSWORD`.
enum IMAPBenchmark {
    static func run(_ arguments: [String]) async {
        var url = "imap://127.0.0.1:143"
        var user = ProcessInfo.processInfo.environment["ROLLOUT_IMAP_USER"] ?? ""
        var password = ProcessInfo.processInfo.environment["ROLLOUT_IMAP_PASSWORD"] ?? ""
        var mailbox = "INBOX"
        var connections = 4
        var sizeLimit = 64 << 20
        var index = 0
        func value(_ name: String) -> String {
            guard index + 1 < arguments.count else { fail("\(name) needs a value") }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--url": url = value("--url")
            case "--user": user = value("--user")
            case "--password": password = value("--password")
            case "--mailbox": mailbox = value("--mailbox")
            case "--connections": connections = Int(value("--connections")) ?? -1
            case "--size-limit": sizeLimit = Int(value("--size-limit")) ?? -1
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard !user.isEmpty, !password.isEmpty else { fail("give --user and --password (or ROLLOUT_IMAP_USER/PASSWORD)") }
        guard sizeLimit > 0 else { fail("--size-limit must be a positive number of bytes") }

        let configuration: IMAPConfiguration
        do {
            configuration = try IMAPConfiguration(
                url: url, startTLS: .off, credentials: IMAPCredentials(username: user, password: password),
                connections: connections, commandTimeout: .seconds(60))
        } catch {
            fail("\(error)")
        }
        var logger = Logger(label: "rollout-bench")
        logger.logLevel = .error
        let fetcher = IMAPFetcher(configuration: configuration, logger: logger)
        let counter = Counter()

        let clock = ContinuousClock()
        let start = clock.now
        do {
            let (uidValidity, uids) = try await fetcher.pending(mailbox: mailbox, after: nil)
            try await fetcher.fetch(mailbox: mailbox, uidValidity: uidValidity, uids: uids, sizeLimit: sizeLimit) {
                counter.add($0)
            }
        } catch {
            FileHandle.standardError.write(Data("rollout-bench imap-fetch: \(error)\n".utf8))
            exit(1)
        }
        let elapsed = clock.now - start

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let (messages, bytes, ordered) = counter.totals
        if !ordered {
            FileHandle.standardError.write(Data("rollout-bench imap-fetch: messages were not handed over in UID order\n".utf8))
            exit(1)
        }
        print(
            String(
                format: "rollout-gateway fetch: %d messages in %.3f s = %.0f msg/s (%d connections, %.1f MB)", messages, seconds,
                Double(messages) / seconds, connections, Double(bytes) / 1e6))
    }

    /// Counts what `fetch` hands over and checks that UIDs ascend.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var messages = 0
        private var bytes = 0
        private var lastUID: UInt32 = 0
        private var ordered = true

        func add(_ message: FetchedMessage) {
            lock.lock()
            messages += 1
            bytes += message.raw.count
            if message.uid <= lastUID { ordered = false }
            lastUID = message.uid
            lock.unlock()
        }

        var totals: (messages: Int, bytes: Int, ordered: Bool) {
            lock.lock()
            defer { lock.unlock() }
            return (messages, bytes, ordered)
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(
            Data(
                "rollout-bench imap-fetch: \(message)\nusage: rollout-bench imap-fetch --url imap://host:port --user U --password P [--mailbox INBOX] [--connections N] [--size-limit BYTES]\n"
                    .utf8))
        exit(64)
    }
}
