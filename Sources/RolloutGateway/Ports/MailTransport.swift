import Foundation

/// The mail-out port: a Maildir, or SMTP.
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
