import Foundation
import RolloutCore

/// A message in the outbox: rendered, addressed, waiting to be delivered.
public struct OutgoingMessage: Sendable, Equatable {
    /// The store's row number, once stored.
    public var rowID: Int64?
    /// The `Message-ID`, without angle brackets.
    public var messageID: String
    public var ticket: TicketID?
    public var kind: OutboxKind
    public var sender: EmailAddress
    public var recipients: [EmailAddress]
    /// The whole RFC 5322 message, CRLF line ends (empty while ``composing`` is set).
    public var data: [UInt8]
    /// The message's bytes while another thread writes them (see ``TicketStore/takesComposingMessages``).
    public var composing: ComposedBytes?
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date

    public init(
        rowID: Int64? = nil, messageID: String, ticket: TicketID?, kind: OutboxKind, sender: EmailAddress,
        recipients: [EmailAddress], data: [UInt8], composing: ComposedBytes? = nil, createdAt: Date, attempts: Int = 0,
        nextAttemptAt: Date? = nil
    ) {
        self.rowID = rowID
        self.messageID = messageID
        self.ticket = ticket
        self.kind = kind
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.composing = composing
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
    }
}

/// Bytes written on another thread, started at once; ``bytes`` waits for them.
///
/// Writing an outgoing message (MIME, headers, quoted-printable) is pure work that nothing in the same event
/// depends on: a store that takes messages in this state stores them once they are written, before its batch
/// commits, while the next events are decided.
public final class ComposedBytes: @unchecked Sendable, Equatable {
    private let condition = NSCondition()
    private var result: [UInt8]?

    public init(_ write: @escaping @Sendable () -> [UInt8]) {
        DispatchQueue.global().async {
            let bytes = write()
            self.condition.lock()
            self.result = bytes
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    /// The bytes, once written.
    public var bytes: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }

    public static func == (lhs: ComposedBytes, rhs: ComposedBytes) -> Bool { lhs === rhs }
}

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again later (4xx, connection trouble).
    case temporaryFailure(String)
    /// Will not succeed (5xx); recorded and reported.
    case permanentFailure(String)
    /// Accepted for some recipients; these were refused permanently (address → the server's reply).
    case partiallyDelivered(refused: [EmailAddress: String])
    /// Not offered: the server refused the session itself (a login refused; a 5xx to the greeting, EHLO, STARTTLS
    /// or AUTH; the gateway's own address refused at MAIL FROM). The fault is the configuration's or the server's,
    /// not the message's: it stays queued as it was, no attempt counted, and `send` stops (exit 78).
    case sessionRefused(String)
}

/// The mail-out port: a Maildir here, SMTP later.
public protocol MailTransport: Sendable {
    /// A short name for logs (`maildir /var/…`, `smtp://…`).
    var name: String { get }
    /// Delivers messages in order, reporting each one's outcome.
    func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome]
    /// Delivers messages in order and hands each outcome to `record` as soon as it is known, before the next message
    /// is offered: a crash then repeats at most the message in flight (SPEC §7). By default the whole batch is
    /// delivered first (right for a Maildir, whose files are synced once per batch).
    func deliver(
        _ messages: [OutgoingMessage], recordingEach record: @escaping @Sendable (OutgoingMessage, DeliveryOutcome) async -> Void
    ) async -> [DeliveryOutcome]
}

extension MailTransport {
    public func deliver(
        _ messages: [OutgoingMessage], recordingEach record: @escaping @Sendable (OutgoingMessage, DeliveryOutcome) async -> Void
    ) async -> [DeliveryOutcome] {
        let outcomes = await deliver(messages)
        for (message, outcome) in zip(messages, outcomes) { await record(message, outcome) }
        return outcomes
    }
}

/// Runs the configured external commands (repository moves).
public protocol HookRunner: Sendable {
    /// Runs a hook; throws when it fails so that nothing is committed.
    func run(_ hook: HookRun) async throws
}

/// Where "now" comes from. Injected everywhere; tests pin it.
public struct DateSource: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = DateSource { Date() }
    public static func constant(_ date: Date) -> DateSource { DateSource { date } }
}
