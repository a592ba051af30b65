import Foundation
import Logging
import MailCurl
import RolloutGateway
import Synchronization

/// Fetches every message of a mailbox over IMAP through ``IMAPFetcher`` (no processing) and prints messages per second.
///
/// `rollout-bench imap-fetch --url imap://127.0.0.1:PORT --user U --password P --mailbox INBOX --connections N`
/// The time covers login, `pending` (STATUS, UID SEARCH), the size check and every download; bodies are
/// only counted. The password may also come from `ROLLOUT_IMAP_PASSWORD`.
enum IMAPBenchmark {
    static func run(_ arguments: [String]) async {
        let options = BenchmarkArguments(
            arguments, command: "imap-fetch", usage: Self.usage,
            options: ["--url", "--user", "--password", "--mailbox", "--connections", "--size-limit"])
        let environment = ProcessInfo.processInfo.environment
        let url = options.string("--url", default: "imap://127.0.0.1:143")
        let user = options.string("--user", default: environment["ROLLOUT_IMAP_USER"] ?? "")
        let password = options.string("--password", default: environment["ROLLOUT_IMAP_PASSWORD"] ?? "")
        let mailbox = options.string("--mailbox", default: "INBOX")
        let connections = options.int("--connections", default: 4)
        let sizeLimit = options.int("--size-limit", default: 64 << 20)
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
    private final class Counter: Sendable {
        private let state = Mutex<(messages: Int, bytes: Int, lastUID: UInt32, ordered: Bool)>((0, 0, 0, true))

        func add(_ message: FetchedMessage) {
            state.withLock { state in
                state.messages += 1
                state.bytes += message.raw.count
                if message.uid <= state.lastUID { state.ordered = false }
                state.lastUID = message.uid
            }
        }

        var totals: (messages: Int, bytes: Int, ordered: Bool) {
            state.withLock { ($0.messages, $0.bytes, $0.ordered) }
        }
    }

    static let usage = "--url imap://host:port --user U --password P [--mailbox INBOX] [--connections N] [--size-limit BYTES]"

    private static func fail(_ message: String) -> Never {
        BenchmarkArguments([], command: "imap-fetch", usage: usage, options: []).fail(message)
    }
}
