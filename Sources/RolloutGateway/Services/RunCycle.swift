import Foundation
import Logging
import RolloutCore
import Synchronization

/// One cycle of the cron/systemd job: fetch new mail and apply it, fire due timers, send the outbox.
///
/// Fetched messages are moved out of the mailbox only after their commits are synced (``UnitOfWork/flush()``),
/// so a crash or a server that disappears loses nothing, and a message fetched again is recognised as seen.
/// A message that fails `maxAttempts` times is moved to the quarantine folder and reported.
public struct RunCycle: Sendable {
    public let ingest: Ingest
    /// Where each mailbox was read up to, and its failed messages.
    public let mailboxes: any MailboxStateStore
    public let fetcher: (any MailFetcher)?
    public let mailbox: String
    public let maxAttempts: Int
    public let transport: any MailTransport

    public init(
        ingest: Ingest, mailboxes: any MailboxStateStore, fetcher: (any MailFetcher)?, mailbox: String, maxAttempts: Int,
        transport: any MailTransport
    ) {
        self.ingest = ingest
        self.mailboxes = mailboxes
        self.fetcher = fetcher
        self.mailbox = mailbox
        self.maxAttempts = maxAttempts
        self.transport = transport
    }

    var gateway: Gateway { ingest.gateway }
    var logger: Logger { gateway.logger }

    /// What one cycle did: the figures of the summary log line and of the metrics file.
    public struct Report: Sendable {
        public var fetched = 0
        public var dispositions: [Ingest.Disposition: Int] = [:]
        public var failed = 0
        public var quarantined = 0
        public var timersFired = 0
        /// Sites GOCDB could not be asked about by the beta-downtime checks of this run.
        public var registryFailures = 0
        public var send = Gateway.SendReport()
        /// Why fetching stopped early, when it did.
        public var fetchError: MailFetchError?
    }

    public func run() async throws -> Report {
        var report = Report()
        if let fetcher {
            do {
                try await StageTimes.measure("run.fetch-and-apply") { try await fetch(with: fetcher, into: &report) }
            } catch let error as MailFetchError {
                // Timers and the outbox do not depend on the mail-in server: the cycle goes on.
                report.fetchError = error
                logger.error("fetching stopped: \(error.description)", metadata: ["server": "\(fetcher.name)"])
            }
        }
        let ticked = try await StageTimes.measure("run.tick") { try await gateway.tick() }
        report.timersFired = ticked.fired.count
        report.registryFailures = ticked.registryFailures.count
        report.send = try await StageTimes.measure("run.send") { try await gateway.send(through: transport) }
        try await StageTimes.measure("run.flush") { try await gateway.unitOfWork.flush() }
        return report
    }

    private func fetch(with fetcher: any MailFetcher, into report: inout Report) async throws {
        let cursor = try await mailboxes.cursor(of: mailbox)
        let (uidValidity, uids) = try await StageTimes.measure("run.fetch.listing") {
            try await fetcher.pending(mailbox: self.mailbox, after: cursor)
        }
        if let cursor, cursor.uidValidity != uidValidity {
            logger.warning(
                "UIDVALIDITY changed; reading the whole mailbox again (messages already applied are recognised)",
                metadata: ["mailbox": "\(mailbox)", "was": "\(cursor.uidValidity)", "now": "\(uidValidity)"])
        }
        let source = MailboxIngestSource(
            fetcher: fetcher, mailboxes: mailboxes, mailbox: mailbox, uidValidity: uidValidity,
            previous: cursor?.uidValidity == uidValidity ? cursor?.lastUID ?? 0 : 0, maxAttempts: maxAttempts, logger: logger)
        // A message that fails for any reason but the store's is counted against it and quarantined after
        // `maxAttempts`, so that one message never blocks the mailbox.
        // Moving messages out of the mailbox is the server's work: where it can, the next ones are fetched and applied
        // meanwhile.
        let loop = IngestLoop(
            ingest: ingest, source: source, stoppingAt: IngestLoop<MailboxIngestSource>.isStoreTemporary,
            releasesInBackground: fetcher.movesWhileFetching)
        let fetched = Mutex(0)
        let mailbox = self.mailbox
        let sizeLimit = ingest.configuration.maxMessageBytes
        defer {
            let done = loop.report
            report.fetched = fetched.withLock { $0 }
            report.dispositions = done.dispositions
            report.failed = done.failed
            report.quarantined = done.quarantined
        }
        do {
            try await loop.run {
                // Messages leave the mailbox a chunk at a time, once their commits are synced (where the server allows,
                // while the next chunk is read).
                let size = Self.chunkSize(of: uids.count)
                for chunk in stride(from: 0, to: uids.count, by: size).map({ Array(uids[$0..<min($0 + size, uids.count)]) }) {
                    source.asking(chunk)
                    try await fetcher.fetch(mailbox: mailbox, uidValidity: uidValidity, uids: chunk, sizeLimit: sizeLimit) { message in
                        fetched.withLock { $0 += 1 }
                        // An oversized message arrives as its header block: answered and set aside, never loaded whole.
                        try await loop.add(
                            message.uid, size: message.raw.count, source: "imap \(mailbox) uid \(message.uid)",
                            declaredSize: message.tooLarge ? message.size : nil
                        ) { message.raw }
                    }
                    try await StageTimes.measureWall("run.fetch.settle") { try await loop.settle() }
                    // Over what the releases before this chunk's moved out; the last one is over when the loop is.
                    try await StageTimes.measureWall("run.fetch.cursor") { try await source.saveCursor(last: false) }
                }
            }
            try await source.saveCursor(last: true)
        } catch {
            // What was released before the error moves the cursor; the rest stays on the server for the next cycle.
            try? await source.saveCursor(last: true)
            throw error
        }
    }
}

extension RunCycle {
    /// How many messages are fetched, applied and moved out at a time: 256, or a sixteenth of a larger backlog. A
    /// move is the server's transaction over the whole mailbox (Dovecot's Maildir syncs the folder and writes its UID
    /// list again), so a backlog moved out 256 at a time cost the server the square of its size: 40,000 messages
    /// took 400 s where 10,000 took 3.5 s (BENCHMARKS.md). A larger chunk costs no memory (messages are read, applied
    /// and let go one group at a time); after a crash, what was committed and not moved out is fetched again and
    /// recognised.
    /// At most 8,192: one move of a chunk stays well within a command's timeout, and a crash leaves at most two
    /// chunks to fetch again.
    public static func chunkSize(of count: Int) -> Int { min(8_192, max(256, (count + 15) / 16)) }
}

extension StoreError {
    /// Busy or conflicting: the next cycle will do.
    public var isTemporaryFailure: Bool {
        switch self {
        case .busy, .conflict: true
        default: false
        }
    }

    /// The store cannot be reached or used — or holds a value this version does not know (another instance, newer,
    /// wrote it): the next run, once it can (or once this binary is upgraded), will do. Never the message's fault: it
    /// stays with its source.
    public var isUnavailable: Bool {
        switch self {
        case .unavailable, .unknownValue: true
        default: false
        }
    }
}
