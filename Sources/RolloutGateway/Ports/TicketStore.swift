import Foundation
import RolloutCore

/// A rollout case as loaded, with the versions the commit checks (optimistic concurrency).
public struct StoredCase: Sendable, Equatable {
    public var rolloutCase: RolloutCase
    public var releaseVersion: Int
    public var rolloutVersion: Int?
    /// The queue of the ticket that was asked for.
    public var queue: Queue

    public init(rolloutCase: RolloutCase, releaseVersion: Int, rolloutVersion: Int?, queue: Queue) {
        self.rolloutCase = rolloutCase
        self.releaseVersion = releaseVersion
        self.rolloutVersion = rolloutVersion
        self.queue = queue
    }
}

/// A message recorded as seen, so that it is applied once.
public struct SeenMessage: Sendable, Equatable {
    /// The Message-ID, or a digest of the message when it has none.
    public var key: String
    public var ticket: TicketID?
    public var sender: EmailAddress?
    /// What became of it (`applied`, `duplicate`, `set-aside`, …).
    public var disposition: String

    public init(key: String, ticket: TicketID?, sender: EmailAddress?, disposition: String) {
        self.key = key
        self.ticket = ticket
        self.sender = sender
        self.disposition = disposition
    }
}

/// An attachment to keep with the ticket, whatever the workflow made of it.
public struct StoredAttachment: Sendable, Equatable {
    public var verdict: AttachmentVerdict
    public var contentType: String
    public var bytes: [UInt8]

    public init(verdict: AttachmentVerdict, contentType: String, bytes: [UInt8]) {
        self.verdict = verdict
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// Everything one event causes, written in one transaction.
public struct StoreCommit: Sendable {
    /// The case as it was loaded (its versions are checked), or nil for a fired timer without a case.
    public var base: StoredCase
    public var decision: Decision
    public var outbox: [OutgoingMessage]
    public var seen: SeenMessage?
    public var attachments: [StoredAttachment]
    /// The timer whose firing this is; marked fired in the same transaction.
    public var firedTimer: TimerKey?
    /// When that timer was due as it was read: if another instance fired it meanwhile and scheduled its repeat
    /// (same key, a later time), this firing is void.
    public var firedTimerDue: Date?

    public init(
        base: StoredCase, decision: Decision, outbox: [OutgoingMessage], seen: SeenMessage? = nil,
        attachments: [StoredAttachment] = [], firedTimer: TimerKey? = nil, firedTimerDue: Date? = nil
    ) {
        self.base = base
        self.decision = decision
        self.outbox = outbox
        self.seen = seen
        self.attachments = attachments
        self.firedTimer = firedTimer
        self.firedTimerDue = firedTimerDue
    }
}

/// A pending timer.
public struct DueTimer: Sendable, Equatable {
    public var key: TimerKey
    public var dueAt: Date

    public init(key: TimerKey, dueAt: Date) {
        self.key = key
        self.dueAt = dueAt
    }
}

/// One line of `tickets list`.
public struct TicketSummary: Sendable, Equatable, Codable {
    public var id: Int
    public var queue: String
    public var status: String
    public var title: String
    public var parent: Int?
    public var child: Int?

    public init(id: Int, queue: String, status: String, title: String, parent: Int?, child: Int?) {
        self.id = id
        self.queue = queue
        self.status = status
        self.title = title
        self.parent = parent
        self.child = child
    }
}

/// What ingesting one message needs from the store, read at once.
public struct InboundLookup: Sendable {
    /// Whether the message was recorded before.
    public var seen: Bool
    /// The case of the ticket the message names, when it exists.
    public var stored: StoredCase?
    /// Answers (transcripts, error replies) queued to the sender since the time asked.
    public var answersToSender: Int

    public init(seen: Bool, stored: StoredCase?, answersToSender: Int) {
        self.seen = seen
        self.stored = stored
        self.answersToSender = answersToSender
    }
}

/// The outbox kinds that count as answers to a sender (for the hourly limit).
public let answerKinds = ["transcript", "error-reply"]

/// What can go wrong in a store, in the gateway's terms.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// Another writer changed the ticket since it was loaded; load and decide again.
    case conflict(TicketID)
    /// The message was already recorded: a duplicate.
    case alreadySeen(String)
    /// The store is locked by another process; try again later.
    case busy(String)
    /// The store cannot be opened or used.
    case unavailable(String)

    public var description: String {
        switch self {
        case .conflict(let id): "ticket \(id) changed while this event was decided"
        case .alreadySeen(let key): "message \(key) was already applied"
        case .busy(let detail): "the store is busy (\(detail)); try again later"
        case .unavailable(let detail): "the store cannot be used: \(detail)"
        }
    }
}

/// The ticket store port. `async throws` throughout, so that a PostgreSQL adapter fits without changing callers.
public protocol TicketStore: Sendable {
    /// Creates a release ticket (`release new`) and records its creation.
    func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at: Date, cause: Cause) async throws -> ReleaseTicket
    /// Takes the next number of the shared ticket sequence.
    func reserveTicketID() async throws -> TicketID
    /// Loads the case a ticket belongs to (a release ticket or its staged-rollout child).
    func load(_ ticket: TicketID) async throws -> StoredCase?
    /// Writes a decision and all it causes atomically; throws ``StoreError/conflict(_:)`` when the case changed,
    /// ``StoreError/alreadySeen(_:)`` when the message was recorded before.
    func commit(_ commit: StoreCommit) async throws
    /// Records a message that changes no ticket (a duplicate, a message set aside), with any answer to it.
    func recordSeen(_ message: SeenMessage, at: Date, outbox: [OutgoingMessage]) async throws
    /// How many messages of a kind were queued to an address since a time (for rate limits).
    func outboxCount(to address: EmailAddress, kind: String, since: Date) async throws -> Int
    func hasSeen(_ key: String) async throws -> Bool
    /// Whether a message was seen, its ticket's case and the answers to its sender since a time, in one read.
    func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup
    /// Makes every commit so far durable (for stores that group commits; a no-op for the others).
    func flush() async throws
    /// Runs `body` as one batch: each commit stays atomic, but a store may make them all in one transaction
    /// (visible to others when the batch ends) instead of one each. When `body` throws, the batch may be kept in
    /// part or not at all, so its events are to be retried (a retried message finds whether it was recorded).
    /// Call ``flush()`` after, not inside, a batch.
    func batch<T: Sendable>(_ body: () async throws -> T) async throws -> T
    /// Whether a commit made now may carry outbox messages still being written (``OutgoingMessage/composing``):
    /// the store then keeps the bytes once written, in the same transaction (true within a batch that does so).
    var takesComposingMessages: Bool { get }
    /// Timers due at or before `now`, oldest first.
    func dueTimers(at now: Date) async throws -> [DueTimer]
    /// Marks a timer fired without any change (its ticket is gone or closed).
    func markFired(_ key: TimerKey, at: Date) async throws
    func ticketSummaries() async throws -> [TicketSummary]
    func history(of ticket: TicketID) async throws -> [HistoryEntry]
    func timers(of ticket: TicketID) async throws -> [DueTimer]
    func attachments(of ticket: TicketID) async throws -> [StoredAttachment]
    /// Outbox messages ready to go at `now`, oldest first.
    func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage]
    /// Records what became of a delivery attempt.
    func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at: Date) async throws
    func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int)
    /// Messages delivered since a time to an address, and for a ticket (for the volume caps).
    func deliveredCount(to address: EmailAddress, since: Date) async throws -> Int
    func deliveredCount(ticket: TicketID, since: Date) async throws -> Int
    /// Messages of a kind queued for a ticket since a time.
    func queuedCount(ticket: TicketID, kind: String, since: Date) async throws -> Int
    /// Where a server mailbox was read up to.
    func cursor(of mailbox: String) async throws -> MailboxCursor?
    func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws
    /// Counts a failed attempt at processing a fetched message; returns the attempts so far.
    func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int
    /// Keeps a message in the outbox until a later time, without counting an attempt.
    func postpone(_ message: OutgoingMessage, until: Date) async throws
}

extension TicketStore {
    public func lookUp(messageKey: String, ticket: TicketID?, sender: EmailAddress?, answersSince: Date) async throws -> InboundLookup {
        var answers = 0
        if let sender {
            for kind in answerKinds { answers += try await outboxCount(to: sender, kind: kind, since: answersSince) }
        }
        return InboundLookup(
            seen: try await hasSeen(messageKey), stored: try await ticket.asyncMap { try await load($0) } ?? nil,
            answersToSender: answers)
    }

    public func batch<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await body()
    }

    public var takesComposingMessages: Bool { false }

    /// Applies `items` in order within one ``batch(_:)``. An error that `isTemporary` says will pass (a busy store)
    /// stops the batch: what was applied before it is committed, and the error comes back with those results;
    /// any other error ends the batch as ``batch(_:)`` does.
    public func applyInBatch<Item, Result: Sendable>(
        _ items: [Item], stoppingAt isTemporary: (any Error) -> Bool, _ apply: (Item) async throws -> Result
    ) async throws -> (results: [Result], stop: (any Error)?) {
        try await batch { () async throws -> ([Result], (any Error)?) in
            var results: [Result] = []
            for item in items {
                do {
                    results.append(try await apply(item))
                } catch where isTemporary(error) {
                    return (results, error)
                }
            }
            return (results, nil)
        }
    }

    public func recordSeen(_ message: SeenMessage, at date: Date) async throws {
        try await recordSeen(message, at: date, outbox: [])
    }
}
