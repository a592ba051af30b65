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
    /// The whole RFC 5322 message, CRLF line ends. Changing it drops the fingerprint carried for the bytes before.
    public var data: [UInt8] {
        didSet { carriedTextFingerprint.value = nil }
    }
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    /// ``textFingerprint`` computed once for every copy of a notification (``NotificationRenderer``): the copies share
    /// their body, so their fingerprint (issue 24). Nil: computed from ``data`` when asked. Not part of equality: it is
    /// a function of ``data``, carried or not.
    private var carriedTextFingerprint: OutsideEquality<OwnTextFingerprint?>

    /// - Parameter textFingerprint: ``OutgoingMessage/textFingerprint(of:)`` of `data`, or the same computed from the
    ///   body text `data` was written from (``OutgoingMessage/textFingerprint(ofBody:)``), when the caller has it already.
    public init(
        rowID: Int64? = nil, messageID: String, ticket: TicketID?, kind: OutboxKind, sender: EmailAddress,
        recipients: [EmailAddress], data: [UInt8], createdAt: Date, attempts: Int = 0,
        nextAttemptAt: Date? = nil, textFingerprint: OwnTextFingerprint? = nil
    ) {
        self.rowID = rowID
        self.messageID = messageID
        self.ticket = ticket
        self.kind = kind
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.carriedTextFingerprint = OutsideEquality(value: textFingerprint)
    }

    /// The fingerprint of the message's own words, as the store keeps it beside the row (``SentTextStore``): the one
    /// carried, or computed from ``data``.
    public var textFingerprint: OwnTextFingerprint {
        carriedTextFingerprint.value ?? Self.textFingerprint(of: data)
    }
}

extension OutgoingMessage {
    /// Why the envelope cannot be delivered at all, if it cannot: no recipients, or an address that would break the
    /// line it is written on (a control character: CR, LF; or `<`, `>`) — an SMTP command or a Maildir's
    /// `Return-Path:` and `X-Original-To:` header lines. Every transport checks it before writing anything.
    public var envelopeProblem: String? {
        if recipients.isEmpty { return "message has no recipients" }
        for address in [sender] + recipients
        where address.value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "<" || $0 == ">" }) {
            return "invalid address in the envelope: \(address.value.debugDescription)"
        }
        for recipient in recipients where recipient.value.isEmpty {
            return "empty recipient address"
        }
        return nil
    }
}
