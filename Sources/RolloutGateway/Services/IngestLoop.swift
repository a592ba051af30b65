import Foundation
import Synchronization

/// The one ingest loop, whatever the source: messages handed over in order are read (parsed, classified) as they
/// arrive, applied in groups of one store transaction each while the next ones are read, and released to their
/// source only once their commits are durable (``UnitOfWork/flush()``); the hooks their decisions run run before
/// their commits, within the group's transaction (``Gateway``). A temporary failure (a busy store, a conflict, a
/// hook that failed, a source that could not take a failed message) stops the loop: what was committed before it is
/// released, the rest stays with the source.
/// ``add(_:size:source:declaredSize:read:)`` and ``settle()`` are called one after the other, from one hand-over
/// (a source's loop or its fetch callback), never at the same time.
///
/// A source whose release is slow (an IMAP server moving messages out of the mailbox) may be released in the
/// background: the next messages are then read and applied meanwhile, the releases still one at a time and in order,
/// each after its messages' commits are durable, and ``run(_:)`` returns only once the last one is over.
public final class IngestLoop<Source: IngestSource>: Sendable {
    /// What the loop did, for the summary line of a run.
    public struct Report: Sendable {
        public var dispositions: [Ingest.Disposition: Int] = [:]
        /// Messages that could not be processed (kept aside, to retry, or quarantined).
        public var failed = 0
        public var quarantined = 0
        /// Messages that queued an answer to their sender.
        public var answered = 0
        public var total: Int { dispositions.values.reduce(0, +) + failed }

        public init() {}
    }

    public let ingest: Ingest
    public let source: Source
    /// Messages and bytes of one group (one store transaction).
    public let groupSize: Int
    public let groupBytes: Int
    /// Whether messages are released to their source in the background (see above).
    public let releasesInBackground: Bool

    private struct Member: Sendable {
        var handle: Source.Handle
        /// Where it was read, for the log (`maildir …/new/NAME`, `imap INBOX uid 17`).
        var name: String
        var size: Int
        /// Its bytes read and analysed (or why they could not be read).
        var reading: Task<Result<Ingest.Analysis, any Error>, Never>
    }

    private enum Settled: Sendable {
        case done(Source.Handle)
        case keptAside
        case retry(Source.Handle)
        case quarantined(Source.Handle)
    }

    private struct State: Sendable {
        var group: [Member] = []
        var groupBytes = 0
        /// The group being applied, while the next one is read.
        var applying: Task<Void, any Error>?
        /// Messages committed (or settled as failed) and not released yet.
        var settled: [Settled] = []
        /// What their commits leave waiting (hooks, thread roots): run once they are durable.
        var afterCommit = AfterCommit()
        /// The release running in the background, when the loop releases so.
        var releasing: Task<Void, any Error>?
        var report = Report()
        var stop: (any Error)?
    }

    private let state = Mutex(State())

    public init(
        ingest: Ingest, source: Source, stoppingAt stopsAt: @escaping @Sendable (any Error) -> Bool = IngestLoop.isTemporary,
        groupSize: Int = 64, groupBytes: Int = 32 << 20, releasesInBackground: Bool = false
    ) {
        self.ingest = ingest
        self.stopsAt = stopsAt
        self.source = source
        self.groupSize = groupSize
        self.groupBytes = groupBytes
        self.releasesInBackground = releasesInBackground
    }

    /// What the loop has done so far.
    public var report: Report { state.withLock { $0.report } }

    /// Failures that are not the message's: a busy or unreachable store, a conflict, a hook that failed. The
    /// message stays with its source for the next run.
    public static func isTemporary(_ error: any Error) -> Bool {
        switch error {
        case let error as StoreError: error.isTemporaryFailure || error.isUnavailable
        case GatewayError.hookFailed, GatewayError.tooManyConflicts: true
        default: false
        }
    }

    /// Failures of the store alone (busy, unreachable, a conflict): for a source that counts every other failure
    /// against the message (a mailbox, whose messages are quarantined after a few attempts instead of blocking it).
    public static func isStoreTemporary(_ error: any Error) -> Bool {
        guard let error = error as? StoreError else { return false }
        return error.isTemporaryFailure || error.isUnavailable
    }

    /// Which errors stop the loop (the others are the message's failure, handed to the source).
    private let stopsAt: @Sendable (any Error) -> Bool

    /// Runs `handOver` (which calls ``add(_:size:source:declaredSize:read:)``, and ``settle()`` where the source wants
    /// its messages released), then settles and waits for the last release. On an error, what was committed before it
    /// is released, then it is thrown.
    public func run(_ handOver: () async throws -> Void) async throws {
        do {
            try await handOver()
            try await settle()
            try await finishReleasing()
        } catch {
            // The first error is the one thrown; what fails after it is logged, never lost.
            do {
                try await settle()
                try await finishReleasing()
            } catch let later {
                logReleaseFailure(later)
            }
            throw error
        }
    }

    /// Hands over the next message: `read` gives its bytes (or throws: the message fails as unreadable), `size` its
    /// size in bytes for the group bound. Throws the error that stopped the loop, if one has.
    public func add(
        _ handle: Source.Handle, size: Int, source name: String, declaredSize: Int? = nil, read: @escaping @Sendable () throws -> [UInt8]
    ) async throws {
        let ingest = self.ingest
        let reading = Task<Result<Ingest.Analysis, any Error>, Never> {
            Result {
                var analysis = ingest.prepare(try read(), declaredSize: declaredSize)
                analysis.source = name
                return analysis
            }
        }
        let member = Member(handle: handle, name: name, size: size, reading: reading)
        let full = state.withLock { state -> [Member]? in
            state.group.append(member)
            state.groupBytes += size
            guard state.group.count >= groupSize || state.groupBytes >= groupBytes else { return nil }
            defer {
                state.group = []
                state.groupBytes = 0
            }
            return state.group
        }
        if let full { try await StageTimes.measureWall("loop.add.start-applying") { try await startApplying(full) } }
    }

    /// Applies what was handed over, makes the commits durable and releases their messages to the source (or starts
    /// to, in the background). Throws the error that stopped the loop, after releasing what was committed before it;
    /// or the error of the release before, which leaves these messages with the source.
    public func settle() async throws {
        let rest = state.withLock { state -> [Member] in
            defer {
                state.group = []
                state.groupBytes = 0
            }
            return state.group
        }
        do {
            try await startApplying(rest)
            try await StageTimes.measureWall("loop.settle.wait-for-applying") { try await waitForApplying() }
        } catch {
            do {
                try await release()
            } catch let releasing {
                // The loop's own error is the one thrown: the release's (one in the background may be older) is logged.
                logReleaseFailure(releasing)
            }
            throw error
        }
        try await release()
    }

    /// Waits for the group being applied, then applies `group` in the background (the next messages are read
    /// meanwhile).
    private func startApplying(_ group: [Member]) async throws {
        try await waitForApplying()
        guard !group.isEmpty else { return }
        let task = Task { try await StageTimes.measureWall("loop.apply") { try await self.apply(group) } }
        state.withLock { $0.applying = task }
    }

    private func waitForApplying() async throws {
        if let stop = state.withLock({ $0.stop }) { throw stop }
        guard let applying = state.withLock({ $0.applying }) else { return }
        do {
            try await applying.value
            state.withLock { $0.applying = nil }
        } catch {
            state.withLock {
                $0.applying = nil
                $0.stop = error
            }
            throw error
        }
    }

    /// One group in one store transaction, each message in a transaction nested in it (a message that fails leaves
    /// nothing, the others stay); each message counts as settled once the group's transaction is committed. A
    /// temporary failure stops the group: what came before it is committed, the rest stays with the source.
    private func apply(_ group: [Member]) async throws {
        let (ingest, stopsAt) = (self.ingest, self.stopsAt)
        let groupAfterCommit = AfterCommit()
        let applied = try await TransactionGroup.apply(
            group, on: ingest.gateway.store, collecting: groupAfterCommit, stoppingAt: stopsAt
        ) { member, message, afterCommit in
            let prepared = try await member.reading.value.get()
            return try await ingest.within(message, collecting: afterCommit).ingest(prepared: prepared)
        }
        let (results, stop) = (applied.results, applied.stop)
        // Committed: whatever happens next, these messages are released with the next settling.
        var settled: [(Settled, Ingest.Outcome?)] = []
        for (member, result) in zip(group, results) {
            if case .success(let outcome) = result { settled.append((.done(member.handle), outcome)) }
        }
        record(settled, afterCommit: groupAfterCommit)
        // Failed messages are handed to the source once the group is committed (a source may write to the store: a
        // failure counted). A source that cannot take one stops the loop; that message stays with it.
        var sourceFailure: (any Error)?
        settled = []
        for (member, result) in zip(group, results) {
            guard case .failure(let error) = result else { continue }
            do {
                settled.append((try await failed(member, error: error), nil))
            } catch {
                sourceFailure = sourceFailure ?? error
            }
        }
        record(settled, afterCommit: nil)
        if let stop = stop ?? sourceFailure { throw stop }
    }

    /// Counts settled messages, to be released with what their commits leave waiting.
    private func record(_ settled: [(Settled, Ingest.Outcome?)], afterCommit: AfterCommit?) {
        state.withLock { state in
            if let afterCommit { state.afterCommit.adopt(afterCommit) }
            for (settled, outcome) in settled {
                state.settled.append(settled)
                switch settled {
                case .done:
                    if let outcome {
                        state.report.dispositions[outcome.disposition, default: 0] += 1
                        if outcome.answered { state.report.answered += 1 }
                    }
                case .keptAside, .retry:
                    state.report.failed += 1
                case .quarantined:
                    state.report.failed += 1
                    state.report.quarantined += 1
                }
            }
        }
    }

    /// A message that failed, handed to its source.
    private func failed(_ member: Member, error: any Error) async throws -> Settled {
        let failure = try await source.failed(member.handle, error: error)
        let logger = ingest.gateway.logger
        switch failure {
        case .keptAside(let place):
            logger.error("message not processed; set aside", metadata: ["source": "\(member.name)", "kept": "\(place)", "reason": "\(error)"])
            return .keptAside
        case .retry(let attempts):
            logger.error(
                "message not processed; will try again", metadata: ["source": "\(member.name)", "attempts": "\(attempts)", "reason": "\(error)"])
            return .retry(member.handle)
        case .quarantine(let attempts):
            logger.error("message quarantined", metadata: ["source": "\(member.name)", "attempts": "\(attempts)", "reason": "\(error)"])
            return .quarantined(member.handle)
        }
    }

    /// Makes the settled commits durable, hands over what they left waiting (thread roots), waits for the release
    /// before, then releases their messages (in the background, when the loop releases so).
    private func release() async throws {
        let (settled, afterCommit) = state.withLock { state -> ([Settled], AfterCommit) in
            defer {
                state.settled = []
                state.afterCommit = AfterCommit()
            }
            return (state.settled, state.afterCommit)
        }
        if !settled.isEmpty {
            try await StageTimes.measureWall("loop.release.flush") { try await ingest.gateway.unitOfWork.flush() }
            ingest.gateway.committed(afterCommit)
        }
        try await finishReleasing()
        guard !settled.isEmpty else { return }
        let (done, quarantined, retry) = Self.handles(of: settled)
        let source = self.source
        let releaseThem: @Sendable () async throws -> Void = {
            try await StageTimes.measureWall("loop.release.source") { try await source.release(done: done, quarantined: quarantined, retry: retry) }
        }
        guard releasesInBackground else { return try await releaseThem() }
        let releasing = Task(operation: releaseThem)
        state.withLock { $0.releasing = releasing }
    }

    /// The messages to release, by what becomes of them at their source.
    private static func handles(of settled: [Settled]) -> (done: [Source.Handle], quarantined: [Source.Handle], retry: [Source.Handle]) {
        var handles: (done: [Source.Handle], quarantined: [Source.Handle], retry: [Source.Handle]) = ([], [], [])
        for entry in settled {
            switch entry {
            case .done(let handle): handles.done.append(handle)
            case .quarantined(let handle): handles.quarantined.append(handle)
            case .retry(let handle): handles.retry.append(handle)
            case .keptAside: break
            }
        }
        return handles
    }

    /// A release that failed after the error the loop throws: logged, never lost.
    private func logReleaseFailure(_ error: any Error) {
        ingest.gateway.logger.error("releasing messages after a failure failed too", metadata: ["reason": "\(error)"])
    }

    /// Waits for the release running in the background, if one is; throws its error.
    private func finishReleasing() async throws {
        let releasing = state.withLock { state in
            defer { state.releasing = nil }
            return state.releasing
        }
        try await StageTimes.measureWall("loop.finish-releasing") { try await releasing?.value }
    }
}
