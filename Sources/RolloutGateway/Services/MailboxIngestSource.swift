import Foundation
import Logging
import RolloutCore
import Synchronization

/// A server mailbox (IMAP) as the source of an ``IngestLoop``: a message that fails is counted against its UID
/// and quarantined after `maxAttempts`; released messages are moved out of the mailbox (or flagged), and the
/// cursor then moves as ``CursorRule`` says.
final class MailboxIngestSource: IngestSource {
    let fetcher: any MailFetcher
    let mailboxes: any MailboxStateStore
    let mailbox: String
    let uidValidity: UInt32
    let maxAttempts: Int
    let logger: Logger
    /// The last UID of the cursor when this cycle began (under the same UIDVALIDITY).
    let previous: UInt32

    private struct Progress {
        /// UIDs asked of the fetcher so far; those handled (done, quarantined or to retry), and those to retry.
        var asked: [UInt32] = []
        var handled: [UInt32] = []
        var retry: [UInt32] = []
    }
    private let progress = Mutex(Progress())

    init(
        fetcher: any MailFetcher, mailboxes: any MailboxStateStore, mailbox: String, uidValidity: UInt32, previous: UInt32, maxAttempts: Int,
        logger: Logger
    ) {
        self.fetcher = fetcher
        self.mailboxes = mailboxes
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.previous = previous
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    /// Notes UIDs about to be asked of the fetcher.
    func asking(_ uids: [UInt32]) {
        progress.withLock { $0.asked += uids }
    }

    func failed(_ uid: UInt32, error: any Error) async throws -> IngestFailure {
        let attempts = try await mailboxes.recordFetchFailure(mailbox: mailbox, uidValidity: uidValidity, uid: uid, error: "\(error)")
        return attempts >= maxAttempts ? .quarantine(attempts: attempts) : .retry(attempts: attempts)
    }

    func release(done: [UInt32], quarantined: [UInt32], retry: [UInt32]) async throws {
        if !done.isEmpty { try await fetcher.markProcessed(mailbox: mailbox, uidValidity: uidValidity, uids: done) }
        if !quarantined.isEmpty { try await fetcher.quarantine(mailbox: mailbox, uidValidity: uidValidity, uids: quarantined) }
        progress.withLock { progress in
            progress.handled += done + quarantined + retry
            progress.retry += retry
        }
    }

    /// Saves the cursor as ``CursorRule`` moves it over the messages released so far: one committed but not released
    /// (still in the mailbox) is fetched again next time, recognised as seen, and moved then. `last`: the cycle's last
    /// save, which says when messages asked for were never handed over (before it, a release may still be running).
    func saveCursor(last isLast: Bool) async throws {
        let (asked, handled, retry) = progress.withLock { ($0.asked, $0.handled, $0.retry) }
        let (last, notHandedOver) = CursorRule.next(previous: previous, asked: asked, handled: handled, retry: retry)
        if isLast, !notHandedOver.isEmpty {
            logger.warning(
                "messages listed in the mailbox were not handed over; the next cycle asks for them again",
                metadata: ["mailbox": "\(mailbox)", "count": "\(notHandedOver.count)", "first-uid": "\(notHandedOver.min()!)"])
        }
        try await mailboxes.saveCursor(MailboxCursor(uidValidity: uidValidity, lastUID: last), of: mailbox)
    }
}
