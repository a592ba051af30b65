import Foundation

/// Hands messages downloaded by several threads to the caller strictly in UID order, with a bounded buffer.
///
/// A planning thread appends the messages to fetch in UID order, batch by batch, as it learns their
/// sizes (the caller may take messages too large to download meanwhile); once it is done, download
/// threads claim positions in that order, several at a time (so two connections never fetch the
/// same UID) and may run ahead of the caller by at most `windowCount` positions and `windowBytes`
/// bytes; the caller takes results in order with ``next()``. Because positions are claimed in order,
/// every position before a failed one was claimed too and completes: the caller gets everything
/// before the first failure, then the failure.
final class IMAPFetchPipeline: @unchecked Sendable {
    struct Item: Sendable {
        let uid: UInt32
        let size: Int
        /// Whether it had `\Seen` before the fetch.
        let seen: Bool
        /// Whether to download it; the others are larger than the size limit.
        let download: Bool
    }

    enum Outcome: Sendable {
        case message([UInt8])
        /// Larger than the size limit: not downloaded.
        case tooLarge
        /// Gone from the mailbox between the size check and the download.
        case gone
        case failed(IMAPStepFailure)
    }

    /// What the caller gets next.
    enum Next: Sendable {
        case item(Item, Outcome)
        /// Planning failed after every item before it was handed over.
        case failed(IMAPStepFailure)
        case end
    }

    // All state below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private let windowCount: Int
    private let windowBytes: Int
    private var items: [Item] = []
    private var planningDone = false
    private var planningFailure: IMAPStepFailure?
    private var markedSeen: [UInt32] = []
    private var nextClaim = 0
    /// The position the caller takes next.
    private var delivered = 0
    /// Bytes claimed and not yet taken by the caller.
    private var pendingBytes = 0
    private var results: [Int: Outcome] = [:]
    /// No more claims or planning: a download failed, or the caller stopped.
    private var stopped = false
    private var waiter: CheckedContinuation<Next, Never>?
    private var workersRunning = 0
    private var exitWaiter: CheckedContinuation<Void, Never>?

    init(windowCount: Int, windowBytes: Int) {
        self.windowCount = max(1, windowCount)
        self.windowBytes = windowBytes
    }

    // MARK: Planning thread

    /// Adds the next messages in UID order, and the UIDs whose `\Seen` the fetch set (also from download threads).
    func append(_ newItems: [Item], markedSeen seen: [UInt32]) {
        condition.lock()
        for item in newItems {
            if !item.download { results[items.count] = .tooLarge }
            items.append(item)
        }
        markedSeen += seen
        condition.broadcast()
        let resume = takeReady()
        condition.unlock()
        resume?()
    }

    /// No more messages will be appended; `failure` when planning stopped on one.
    func finishPlanning(failure: IMAPStepFailure?) {
        condition.lock()
        planningDone = true
        planningFailure = failure
        condition.broadcast()
        let resume = takeReady()
        condition.unlock()
        resume?()
    }

    /// Whether the caller stopped or a download failed (planning need not go on).
    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    // MARK: Download threads

    /// Registers a download thread before it starts.
    func addWorker() {
        condition.lock()
        workersRunning += 1
        condition.unlock()
    }

    /// The next positions to download together, in UID order, waiting while planning goes on or the caller is too
    /// far behind; empty when there is nothing left to do.
    ///
    /// A batch holds at most `maxCount` positions whose `cost` adds up to at most `budget`; a position whose cost
    /// is `nil` is downloaded alone. The first position is always taken when the window allows it.
    func claim(maxCount: Int, budget: Int, cost: (Item) -> Int?) -> [(index: Int, item: Item)] {
        condition.lock()
        defer { condition.unlock() }
        while true {
            skipNotDownloaded()
            if stopped { return [] }
            // Downloads start once planning is over: its `UID STORE +FLAGS (\Seen)` renames Maildir files, and
            // Dovecot's processes serving the other connections then rescan the whole folder when a file is not
            // under the name they knew (measured: 4 connections fell from ~13,000 to ~5,000 messages/s).
            if !planningDone {
                condition.wait()
                continue
            }
            if nextClaim >= items.count { return [] }
            guard fitsWindow(items[nextClaim]) else {
                condition.wait()
                continue
            }
            var batch = [takeNext()]
            guard var spent = cost(batch[0].item) else { return batch }
            while batch.count < maxCount {
                skipNotDownloaded()
                guard nextClaim < items.count, fitsWindow(items[nextClaim]), let more = cost(items[nextClaim]),
                    spent + more <= budget
                else { break }
                spent += more
                batch.append(takeNext())
            }
            return batch
        }
    }

    /// Under the lock: whether the caller is near enough to download `item` at `nextClaim` now.
    private func fitsWindow(_ item: Item) -> Bool {
        let ahead = nextClaim - delivered
        return ahead <= 0 || (ahead < windowCount && pendingBytes + item.size <= windowBytes)
    }

    /// Under the lock: claims the position at `nextClaim`.
    private func takeNext() -> (index: Int, item: Item) {
        let claimed = (nextClaim, items[nextClaim])
        nextClaim += 1
        pendingBytes += claimed.1.size
        return claimed
    }

    private func skipNotDownloaded() {
        while nextClaim < items.count, !items[nextClaim].download { nextClaim += 1 }
    }

    /// Records a claimed position's outcome; a failure stops further claims and planning (and does not replace
    /// an outcome already recorded, as for the first part of a batch that failed half-way).
    func complete(_ index: Int, _ outcome: Outcome) {
        condition.lock()
        if case .failed = outcome {
            stopped = true
            condition.broadcast()
            if index < delivered || results[index] != nil {
                condition.unlock()
                return
            }
        }
        results[index] = outcome
        let resume = takeReady()
        condition.unlock()
        resume?()
    }

    /// Called by each download thread as its last act.
    func workerExited() {
        condition.lock()
        workersRunning -= 1
        var resume: CheckedContinuation<Void, Never>?
        if workersRunning == 0 {
            resume = exitWaiter
            exitWaiter = nil
        }
        condition.unlock()
        resume?.resume()
    }

    // MARK: Caller

    /// The next message in UID order once it is there, the planning failure, or the end.
    func next() async -> Next {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let next = ready() {
                condition.unlock()
                continuation.resume(returning: next)
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }

    /// The caller wants nothing more: downloads in flight finish, no new ones start, planning stops.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Returns once every download thread has exited (their connections are back in the pool or closed).
    func allWorkersExited() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if workersRunning == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiter = continuation
                condition.unlock()
            }
        }
    }

    /// The UIDs planned so far, from position `index` on, whose `\Seen` this fetch set.
    func markedSeen(from index: Int) -> [UInt32] {
        condition.lock()
        defer { condition.unlock() }
        let rest = Set(items[min(index, items.count)...].map(\.uid))
        return markedSeen.filter { rest.contains($0) }
    }

    /// How many messages were planned (found in the mailbox).
    var plannedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }

    // MARK: Under the lock

    /// What the caller gets now, if anything; takes it.
    private func ready() -> Next? {
        let index = delivered
        if index < items.count {
            guard let outcome = results.removeValue(forKey: index) else { return nil }
            delivered = index + 1
            pendingBytes -= items[index].download ? items[index].size : 0
            condition.broadcast()
            return .item(items[index], outcome)
        }
        guard planningDone else { return nil }
        if let planningFailure { return .failed(planningFailure) }
        return .end
    }

    /// The waiting caller's resumption, when its next result is there (to run after unlocking).
    private func takeReady() -> (() -> Void)? {
        guard let waiter, let next = ready() else { return nil }
        self.waiter = nil
        return { waiter.resume(returning: next) }
    }
}
