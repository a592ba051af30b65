import Foundation
import Logging
import RolloutCore

extension Gateway {
    /// What `tick` did.
    public struct TickReport: Sendable {
        public var fired: [DueTimer] = []
        public var notifications = 0
        /// Timers whose firing failed (nothing of it kept; still due), with why, in the order they were tried.
        public var failed: [(timer: DueTimer, error: any Error)] = []
        /// Sites the registry (GOCDB) could not be asked about: their teams' last known beta downtimes stay.
        public var registryFailures: [String] = []
        /// The managers' weekly digests (``sendWeeklyDigests()``).
        public var digests = DigestReport()
    }

    /// How one due timer went, within its group's transaction.
    enum Firing: Sendable {
        /// Its decision was committed with its notifications.
        case fired(notifications: Int, registryFailure: String?)
        /// Its ticket is gone: marked fired without a change.
        case ticketGone
        /// Another run fired it since it was read as due: nothing done.
        case firedElsewhere
    }

    /// Timers fired in one store transaction (one commit, one sync), each firing nested in it.
    public static let timerGroupSize = 64

    /// Fires every timer due at the clock's now. Each firing commits with its notifications, or not at all: the timers
    /// are fired in groups of ``timerGroupSize``, one store transaction each with every firing in a transaction nested
    /// in it (``TransactionGroup``), made durable (``UnitOfWork/flush()``) before the firings are reported. A firing
    /// that fails keeps nothing and leaves its timer due, and the others go on; a busy store or a conflict stops
    /// `tick` there (what was committed before stays).
    ///
    /// A beta-downtime check asks the registry (GOCDB: seconds, at worst its timeout) before it decides: on a gateway
    /// outside any transaction it is fired on its own, after the groups, never inside a group's transaction, which
    /// would hold the store's write lock (SQLite) or the ticket rows (PostgreSQL) meanwhile. The weekly digests are made
    /// durable before `tick` returns, as the firings: `send` (another process, or `run`'s next step) may deliver them.
    public func tick(groupSize: Int = Gateway.timerGroupSize) async throws -> TickReport {
        let now = clock.now()
        var report = TickReport()
        var due = try await store.dueTimers(at: now)
        var probing: [DueTimer] = []
        if afterCommit == nil, betaDowntimeProbe != nil {
            probing = due.filter { $0.key.kind == .betaDowntimeCheck }
            due.removeAll { $0.key.kind == .betaDowntimeCheck }
        }
        for start in stride(from: 0, to: due.count, by: max(1, groupSize)) {
            let group = Array(due[start..<min(start + max(1, groupSize), due.count)])
            let waiting = AfterCommit()
            let applied = try await TransactionGroup.apply(
                group, on: store, collecting: waiting, stoppingAt: IngestLoop<MailboxIngestSource>.isTemporary
            ) { timer, transaction, afterCommit in
                try await within(transaction, collecting: afterCommit).fire(timer, at: now)
            }
            if let afterCommit { afterCommit.adopt(waiting) } else {
                try await StageTimes.measureWall("tick.flush") { try await unitOfWork.flush() }
                committed(waiting)
            }
            for (timer, result) in zip(group, applied.results) { record(result, of: timer, into: &report) }
            if let stop = applied.stop {
                logRegistryFailures(report.registryFailures)
                throw stop
            }
        }
        for timer in probing {
            let result: Result<Firing, any Error>
            do {
                let firing = try await fire(timer, at: now)
                try await unitOfWork.flush()
                result = .success(firing)
            } catch where IngestLoop<MailboxIngestSource>.isTemporary(error) {
                logRegistryFailures(report.registryFailures)
                throw error
            } catch {
                result = .failure(error)
            }
            record(result, of: timer, into: &report)
        }
        logRegistryFailures(report.registryFailures)
        report.digests = try await sendWeeklyDigests()
        if afterCommit == nil { try await unitOfWork.flush() }
        return report
    }

    /// Fires `timer` through this gateway's store (a transaction of its group).
    func fire(_ timer: DueTimer, at now: Date) async throws -> Firing {
        let key = timer.key
        do {
            var registryFailure: BetaDowntimeProbe.Failure?
            let event = try await decideAndCommit(key.ticket, cause: .timer(key.kind), firedTimer: key, dueAt: timer.dueAt, at: now) { stored in
                switch key.kind {
                case .heldRelays:
                    return .heldRelaysDue(key, held: RelayWindow.heldSinceSent(in: try await store.history(of: key.ticket)))
                case .betaDowntimeCheck:
                    guard let probe = betaDowntimeProbe else { return .timerFired(key) }
                    let (check, failure) = try await betaDowntimeCheck(of: stored, fired: key, probe: probe, at: now)
                    registryFailure = failure
                    return .betaDowntimes(check)
                default:
                    return .timerFired(key)
                }
            }
            return .fired(notifications: event.notifications, registryFailure: registryFailure?.site)
        } catch GatewayError.unknownTicket {
            try await store.markFired(key, at: now)
            return .ticketGone
        } catch StoreError.alreadySeen {
            return .firedElsewhere
        }
    }

    /// Counts and logs one timer's firing, once its group is durable.
    private func record(_ result: Result<Firing, any Error>, of timer: DueTimer, into report: inout TickReport) {
        let key = timer.key
        let metadata: Logger.Metadata = [
            "ticket": "\(key.ticket.rawValue)", "action": "\(key.kind.rawValue)", "team": "\(key.team?.description ?? "-")",
        ]
        switch result {
        case .success(.fired(let notifications, let registryFailure)):
            if let registryFailure { report.registryFailures.append(registryFailure) }
            report.fired.append(timer)
            report.notifications += notifications
            logger.info("timer fired", metadata: metadata.merging(["notifications": "\(notifications)"]) { $1 })
        case .success(.ticketGone):
            logger.debug("timer of a ticket that is gone marked fired", metadata: metadata)
        case .success(.firedElsewhere):
            logger.debug("timer already fired by another run", metadata: metadata)
        case .failure(let error):
            report.failed.append((timer, error))
            logger.error("timer not fired; still due", metadata: metadata.merging(["reason": "\(error)"]) { $1 })
        }
    }
}
