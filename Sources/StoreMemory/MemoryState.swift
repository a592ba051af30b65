import Foundation
import RolloutCore
import RolloutGateway
import Synchronization

/// A value with the version the optimistic check of a commit compares.
struct Versioned<Value: Sendable>: Sendable {
    var value: Value
    var version = 0

    init(_ value: Value) { self.value = value }

    mutating func update(_ value: Value) {
        self.value = value
        version += 1
    }
}

/// Everything a ``MemoryTicketStore`` holds: a value, so that a write works on a copy and keeps it whole or not at all.
public struct MemoryState: Sendable {
    struct Timer: Sendable {
        enum State: Sendable { case pending, fired, cancelled }
        var dueAt: Date
        var state: State
    }

    /// An outbox row: the message (with its row number) and what became of it.
    struct OutboxRow: Sendable {
        var message: OutgoingMessage
        var sentAt: Date?
        var failedAt: Date?
        /// Why the volume caps hold it, while they do.
        var heldReason: String?
        /// Of the message's text, to find it again in replies.
        var fingerprint: OwnTextFingerprint?
    }

    var lastTicketNumber = 0
    var releases: [TicketID: Versioned<ReleaseTicket>] = [:]
    var rollouts: [TicketID: Versioned<StagedRolloutTicket>] = [:]
    var history: [TicketID: [HistoryEntry]] = [:]
    var timers: [TimerKey: Timer] = [:]
    var seen: [String: SeenMessage] = [:]
    var attachments: [TicketID: [StoredAttachment]] = [:]
    var outbox: [OutboxRow] = []
    /// Row number → position in ``outbox``; Message-ID → row number (a Message-ID is queued once).
    var outboxIndex: [Int64: Int] = [:]
    var messageIDs: [String: Int64] = [:]
    var cursors: [String: MailboxCursor] = [:]
    var fetchAttempts: [String: Int] = [:]
    /// Set-aside messages, oldest first, and the number the next one gets.
    var setAside: [SetAsideMessage] = []
    var lastSetAsideID: Int64 = 0
    /// The directory's snapshot and its changes (issue 22).
    var directory: StoredDirectorySnapshot?
    var directoryHistory: [DirectoryChange] = []

    /// The next number of the sequence both queues share.
    mutating func reserve() -> TicketID {
        lastTicketNumber += 1
        return TicketID(lastTicketNumber)
    }

    func load(_ ticket: TicketID) -> StoredCase? {
        if let release = releases[ticket] {
            let rollout = release.value.child.flatMap { rollouts[$0] }
            return StoredCase(
                rolloutCase: RolloutCase(release: release.value, rollout: rollout?.value), releaseVersion: release.version,
                rolloutVersion: rollout?.version, queue: .release)
        }
        guard let rollout = rollouts[ticket], let release = releases[rollout.value.parent] else { return nil }
        return StoredCase(
            rolloutCase: RolloutCase(release: release.value, rollout: rollout.value), releaseVersion: release.version,
            rolloutVersion: rollout.version, queue: .stagedRollout)
    }

    /// Queues a message unless its Message-ID is queued already (as the SQLite driver's unique key does).
    mutating func enqueue(_ message: OutgoingMessage) {
        guard messageIDs[message.messageID] == nil else { return }
        var message = message
        let rowID = Int64(outbox.count + 1)
        message.rowID = rowID
        messageIDs[message.messageID] = rowID
        outboxIndex[rowID] = outbox.count
        outbox.append(
            OutboxRow(message: message, fingerprint: message.data.isEmpty ? nil : OutgoingMessage.textFingerprint(of: message.data)))
    }

    /// Pending timers matching a condition, soonest first (ties by ticket, kind and team, as SQL orders them).
    func pendingTimers(where matches: (TimerKey) -> Bool) -> [DueTimer] {
        timers.filter { $0.value.state == .pending && matches($0.key) }
            .map { DueTimer(key: $0.key, dueAt: $0.value.dueAt) }
            .sorted {
                ($0.dueAt, $0.key.ticket.rawValue, $0.key.kind.rawValue, $0.key.team?.description ?? "")
                    < ($1.dueAt, $1.key.ticket.rawValue, $1.key.kind.rawValue, $1.key.team?.description ?? "")
            }
    }
}

extension MemoryState {
    /// Runs `body` on a copy of what `cell` holds and puts the copy in its place only when `body` returns.
    static func change<T>(_ cell: borrowing Mutex<MemoryState>, _ body: (inout MemoryState) throws -> T) throws -> T {
        try cell.withLock { current in
            var copy = current
            let result = try body(&copy)
            current = copy
            return result
        }
    }
}
