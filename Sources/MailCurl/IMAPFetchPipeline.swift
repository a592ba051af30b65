import Foundation

/// Hands messages downloaded by several threads to the caller strictly in UID order, with a bounded buffer.
///
/// Download threads ``claim()`` positions in UID order (so two connections never fetch the same UID)
/// and may run ahead of the caller by at most `windowCount` positions and `windowBytes` bytes; the
/// caller takes results in order with ``next()``. Because positions are claimed in order, every
/// position before a failed one was claimed too and completes: the caller gets everything before
/// the first failure, then the failure.
final class IMAPFetchPipeline: @unchecked Sendable {
    enum Outcome: Sendable {
        case message([UInt8])
        /// Larger than the size limit: not downloaded.
        case tooLarge
        /// Gone from the mailbox between the size check and the download.
        case gone
        case failed(IMAPStepFailure)
    }

    // All state below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private let sizes: [Int]
    private let download: [Bool]
    private let windowCount: Int
    private let windowBytes: Int
    private var nextClaim = 0
    /// The position the caller takes next.
    private var delivered = 0
    /// Bytes claimed and not yet taken by the caller.
    private var pendingBytes = 0
    private var results: [Int: Outcome] = [:]
    /// No more claims: a download failed, or the caller stopped.
    private var stopped = false
    private var waiter: (index: Int, continuation: CheckedContinuation<Outcome, Never>)?
    private var workersRunning = 0
    private var exitWaiter: CheckedContinuation<Void, Never>?

    /// - Parameters:
    ///   - sizes: the size of each position's message, in UID order.
    ///   - download: whether each position is to be downloaded; the others are reported ``Outcome/tooLarge``.
    init(sizes: [Int], download: [Bool], windowCount: Int, windowBytes: Int) {
        self.sizes = zip(sizes, download).map { $1 ? $0 : 0 }
        self.download = download
        self.windowCount = max(1, windowCount)
        self.windowBytes = windowBytes
        for (index, wanted) in download.enumerated() where !wanted { results[index] = .tooLarge }
    }

    var count: Int { sizes.count }

    /// Registers a download thread before it starts.
    func addWorker() {
        condition.lock()
        workersRunning += 1
        condition.unlock()
    }

    /// The next position to download, waiting while the caller is too far behind; `nil` when there is nothing left to do.
    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            while nextClaim < sizes.count, !download[nextClaim] { nextClaim += 1 }
            if stopped || nextClaim >= sizes.count { return nil }
            let ahead = nextClaim - delivered
            if ahead <= 0 || (ahead < windowCount && pendingBytes + sizes[nextClaim] <= windowBytes) {
                let index = nextClaim
                nextClaim += 1
                pendingBytes += sizes[index]
                return index
            }
            condition.wait()
        }
    }

    /// Records a claimed position's outcome; a failure stops further claims.
    func complete(_ index: Int, _ outcome: Outcome) {
        condition.lock()
        if case .failed = outcome {
            stopped = true
            condition.broadcast()
        }
        var resume: CheckedContinuation<Outcome, Never>?
        if let waiter, waiter.index == index {
            resume = waiter.continuation
            self.waiter = nil
            take(index)
        } else {
            results[index] = outcome
        }
        condition.unlock()
        resume?.resume(returning: outcome)
    }

    /// The outcome of the next position in UID order, once it is there.
    func next() async -> Outcome {
        await withCheckedContinuation { continuation in
            condition.lock()
            let index = delivered
            if let outcome = results.removeValue(forKey: index) {
                take(index)
                condition.unlock()
                continuation.resume(returning: outcome)
            } else {
                waiter = (index, continuation)
                condition.unlock()
            }
        }
    }

    /// Must hold the lock: the caller has position `index`.
    private func take(_ index: Int) {
        delivered = index + 1
        pendingBytes -= sizes[index]
        condition.broadcast()
    }

    /// The caller wants nothing more: downloads in flight finish, no new ones start.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
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
}
