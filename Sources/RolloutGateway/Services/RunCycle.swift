import Foundation
import Logging
import RolloutCore

/// One cycle of the cron/systemd job: fetch new mail and apply it, fire due timers, send the outbox.
///
/// Fetched messages are moved out of the mailbox only after their commits are synced (``TicketStore/flush()``),
/// so a crash or a server that disappears loses nothing, and a message fetched again is recognised as seen.
/// A message that fails `maxAttempts` times is moved to the quarantine folder and reported.
public struct RunCycle: Sendable {
    public let ingest: Ingest
    public let fetcher: (any MailFetcher)?
    public let mailbox: String
    public let maxAttempts: Int
    public let transport: any MailTransport

    public init(ingest: Ingest, fetcher: (any MailFetcher)?, mailbox: String, maxAttempts: Int, transport: any MailTransport) {
        self.ingest = ingest
        self.fetcher = fetcher
        self.mailbox = mailbox
        self.maxAttempts = maxAttempts
        self.transport = transport
    }

    var gateway: Gateway { ingest.gateway }
    var store: any TicketStore { gateway.store }
    var logger: Logger { gateway.logger }

    /// What one cycle did: the figures of the summary log line and of the metrics file.
    public struct Report: Sendable {
        public var fetched = 0
        public var dispositions: [Ingest.Disposition: Int] = [:]
        public var failed = 0
        public var quarantined = 0
        public var timersFired = 0
        public var send = Gateway.SendReport()
        /// Why fetching stopped early, when it did.
        public var fetchError: MailFetchError?
    }

    public func run() async throws -> Report {
        var report = Report()
        if let fetcher {
            do {
                try await fetch(with: fetcher, into: &report)
            } catch let error as MailFetchError {
                // Timers and the outbox do not depend on the mail-in server: the cycle goes on.
                report.fetchError = error
                logger.error("fetching stopped: \(error.description)", metadata: ["server": "\(fetcher.name)"])
            }
        }
        report.timersFired = try await gateway.tick().fired.count
        report.send = try await gateway.send(through: transport)
        try await store.flush()
        return report
    }

    /// A bounded wrapper so the `handle` closure can update the tallies.
    final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var done: [UInt32] = []
        var quarantine: [UInt32] = []
        /// Every UID handled (done, quarantined or to retry), and those to retry next cycle.
        var handled: [UInt32] = []
        var retry: [UInt32] = []
        var report: Report

        init(_ report: Report) { self.report = report }
        func with<T>(_ body: (Tally) -> T) -> T { lock.withLock { body(self) } }
    }

    /// Fetched messages waiting to be applied together, each being read (parsed, classified) meanwhile.
    final class Group: @unchecked Sendable {
        typealias Member = (message: FetchedMessage, reading: Task<Ingest.Analysis, Never>)
        private let lock = NSLock()
        private var members: [Member] = []

        /// Adds a message; returns the whole group, taken, once it has `size` members.
        func add(_ member: Member, size: Int) -> [Member]? {
            lock.withLock {
                members.append(member)
                guard members.count >= size else { return nil }
                defer { members = [] }
                return members
            }
        }

        func take() -> [Member] {
            lock.withLock {
                defer { members = [] }
                return members
            }
        }
    }

    /// Messages applied in one store batch.
    static let groupSize = 64

    private func fetch(with fetcher: any MailFetcher, into report: inout Report) async throws {
        let cursor = try await store.cursor(of: mailbox)
        let (uidValidity, uids) = try await fetcher.pending(mailbox: mailbox, after: cursor)
        if let cursor, cursor.uidValidity != uidValidity {
            logger.warning(
                "UIDVALIDITY changed; reading the whole mailbox again (messages already applied are recognised)",
                metadata: ["mailbox": "\(mailbox)", "was": "\(cursor.uidValidity)", "now": "\(uidValidity)"])
        }
        let tally = Tally(report)
        let ingest = self.ingest
        let store = self.store
        let mailbox = self.mailbox
        let maxAttempts = self.maxAttempts
        let logger = self.logger
        let sizeLimit = ingest.configuration.maxMessageBytes
        // Messages leave the mailbox a group at a time, once their commits are synced.
        func release() async throws {
            let (done, quarantine) = tally.with { tally -> ([UInt32], [UInt32]) in
                defer {
                    tally.done.removeAll()
                    tally.quarantine.removeAll()
                }
                return (tally.done, tally.quarantine)
            }
            guard !done.isEmpty || !quarantine.isEmpty else { return }
            try await store.flush()
            if !done.isEmpty { try await fetcher.markProcessed(mailbox: mailbox, uidValidity: uidValidity, uids: done) }
            if !quarantine.isEmpty { try await fetcher.quarantine(mailbox: mailbox, uidValidity: uidValidity, uids: quarantine) }
        }
        let previous = cursor?.uidValidity == uidValidity ? cursor?.lastUID ?? 0 : 0
        /// UIDs asked of the fetcher so far.
        var asked: [UInt32] = []
        /// Saves the cursor as ``CursorRule`` moves it.
        func saveCursor() async throws {
            let (handled, retry) = tally.with { ($0.handled, $0.retry) }
            let (last, notHandedOver) = CursorRule.next(previous: previous, asked: asked, handled: handled, retry: retry)
            if !notHandedOver.isEmpty {
                logger.warning(
                    "messages listed in the mailbox were not handed over; the next cycle asks for them again",
                    metadata: ["mailbox": "\(mailbox)", "count": "\(notHandedOver.count)", "first-uid": "\(notHandedOver.min()!)"])
            }
            try await store.saveCursor(MailboxCursor(uidValidity: uidValidity, lastUID: last), of: mailbox)
        }
        /// What became of one message of a group.
        enum GroupResult {
            case applied(Ingest.Disposition)
            case failed(quarantined: Bool)
        }
        /// Applies one fetched message once its reading is done; a failure other than a busy store is counted against
        /// the message, which is quarantined after `maxAttempts`.
        @Sendable func apply(_ member: Group.Member) async throws -> GroupResult {
            do {
                return .applied(try await ingest.ingest(prepared: await member.reading.value).disposition)
            } catch let error as StoreError where error.isTemporaryFailure {
                throw error
            } catch {
                let uid = member.message.uid
                let attempts = try await store.recordFetchFailure(mailbox: mailbox, uidValidity: uidValidity, uid: uid, error: "\(error)")
                let quarantined = attempts >= maxAttempts
                logger.error(
                    quarantined ? "message quarantined" : "message not processed; will try again",
                    metadata: ["uid": "\(uid)", "attempts": "\(attempts)", "reason": "\(error)"])
                return .failed(quarantined: quarantined)
            }
        }
        /// Applies a group in one store batch; its messages count as done once the batch is committed. A busy store
        /// stops the group: what was applied before is kept, and the error is thrown after.
        @Sendable func apply(_ group: [Group.Member]) async throws {
            guard !group.isEmpty else { return }
            let (results, stop) = try await store.applyInBatch(group, stoppingAt: { ($0 as? StoreError)?.isTemporaryFailure == true }) {
                member in (member.message.uid, try await apply(member))
            }
            tally.with { tally in
                for (uid, result) in results {
                    tally.handled.append(uid)
                    switch result {
                    case .applied(let disposition):
                        tally.report.dispositions[disposition, default: 0] += 1
                        tally.done.append(uid)
                    case .failed(let quarantined):
                        tally.report.failed += 1
                        if quarantined {
                            tally.report.quarantined += 1
                            tally.quarantine.append(uid)
                        } else {
                            tally.retry.append(uid)
                        }
                    }
                }
            }
            if let stop { throw stop }
        }
        let group = Group()
        do {
            for chunk in stride(from: 0, to: uids.count, by: 256).map({ Array(uids[$0..<min($0 + 256, uids.count)]) }) {
                asked += chunk
                try await fetcher.fetch(mailbox: mailbox, uidValidity: uidValidity, uids: chunk, sizeLimit: sizeLimit) { message in
                    tally.with { $0.report.fetched += 1 }
                    // An oversized message arrives as its header block: answered and set aside, never loaded whole.
                    let reading = Task {
                        var analysis = ingest.prepare(message.raw, declaredSize: message.tooLarge ? message.size : nil)
                        analysis.source = "imap \(mailbox) uid \(message.uid)"
                        return analysis
                    }
                    if let full = group.add((message, reading), size: Self.groupSize) { try await apply(full) }
                }
                try await apply(group.take())
                try await release()
                try await saveCursor()
            }
        } catch {
            // Messages handed over before the fetch failed are applied all the same.
            if error is MailFetchError { try? await apply(group.take()) }
            // What was committed is released; the rest stays on the server for the next cycle.
            // The cursor moves only if the release worked: a message committed but still in the mailbox is
            // fetched again next time, recognised as seen, and moved then.
            if (try? await release()) != nil { try? await saveCursor() }
            report = tally.report
            throw error
        }
        report = tally.report
    }
}

extension StoreError {
    /// Busy or conflicting: the next cycle will do.
    public var isTemporaryFailure: Bool {
        switch self {
        case .busy, .conflict: true
        default: false
        }
    }
}
