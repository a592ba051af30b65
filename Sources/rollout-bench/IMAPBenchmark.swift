/// Fetches every message of a mailbox over IMAP and prints messages per second.
enum IMAPBenchmark {
    static func run(_ arguments: [String]) async {}
}
