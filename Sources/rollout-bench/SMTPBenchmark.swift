/// Sends queued notifications to an SMTP sink and prints messages per second.
enum SMTPBenchmark {
    static func run(_ arguments: [String]) async {}
}
