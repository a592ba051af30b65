import Foundation

/// A name and address from a header (`Mario Rossi <mario.rossi@example.org>`).
public struct Mailbox: Sendable, Equatable, Hashable {
    public var name: String?
    public var address: EmailAddress

    public init(name: String? = nil, address: EmailAddress) {
        self.name = name
        self.address = address
    }
}

/// The header fields the gateway reads, decoded (RFC 2047 words resolved, folding undone).
public struct InboundHeaders: Sendable, Equatable {
    public var from: [Mailbox] = []
    public var replyTo: [Mailbox] = []
    public var to: [Mailbox] = []
    public var cc: [Mailbox] = []
    /// `Delivered-To` and `X-Original-To`: the envelope recipient as the receiving MTA wrote it (where a delivery
    /// report to a bounce address shows which one it came to).
    public var envelopeRecipients: [Mailbox] = []
    /// `X-Original-From`, set by some list managers when they rewrite From.
    public var originalFrom: [Mailbox] = []
    /// `List-Id` as written (`Early adopters <early-adopters-emi.lists.egi.eu>`).
    public var listID: String?
    /// `Message-ID` without angle brackets.
    public var messageID: String?
    /// `In-Reply-To` Message-IDs, without angle brackets.
    public var inReplyTo: [String] = []
    /// `References` Message-IDs, without angle brackets, oldest first.
    public var references: [String] = []
    /// The decoded subject.
    public var subject: String = ""
    public var autoSubmitted: String?
    public var precedence: String?
    /// `X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress` and similar vacation markers, as found.
    public var autoReplyMarkers: [String: String] = [:]
    /// Every `X-Loop` value.
    public var loops: [String] = []
    /// `Return-Path` without angle brackets; empty string for `<>`.
    public var returnPath: String?
    /// Every `Authentication-Results` value, top (most recent) first.
    public var authenticationResults: [String] = []
    /// The `Received` and `Authentication-Results` fields in the order they stand, top (most recent) first: whose
    /// results count depends on where they stand among the hops (RFC 8601 §5).
    public var traceFields: [TraceField] = []
    /// Fields that a message has at most once (From, Sender, Message-ID, Subject, …) but this one has several of,
    /// lower-cased: which of them a signature covered is unknown, so such a message is never strong.
    public var repeatedFields: [String] = []
    /// The top-level content type, lower-cased (`multipart/report`).
    public var contentType: String?
    /// `Date`, as written.
    public var date: String?
    /// `Date`, read as a time; nil when missing or unreadable.
    public var writtenAt: Date?
    /// Every `DKIM-Signature` value, unfolded, as written: the signature that made a sender strong (its `b=`) is
    /// remembered, so that the same signed mail sent again under a new Message-ID is a duplicate (SPEC §5).
    public var dkimSignatures: [String] = []
    /// Every `X-MailFrom`, the envelope sender a Mailman 3 list recorded for a post (a poster can write one of their
    /// own beside it): each is a hint that must agree with the person a list copy names.
    public var listEnvelopeSenders: [EmailAddress] = []

    public init() {}
}

/// A file attached to a message.
public struct InboundAttachment: Sendable, Equatable {
    /// The decoded file name (RFC 2231 and encoded words resolved); empty when the part had none.
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// One recipient of a delivery-status report (RFC 3464).
public struct FailedRecipient: Sendable, Equatable {
    /// `Final-Recipient` (or `Original-Recipient`), without the `rfc822;` type.
    public var address: EmailAddress
    /// `Action` (`failed`, `delayed`, …).
    public var action: String
    /// `Status`, e.g. `5.1.1`.
    public var status: String?
    /// `Diagnostic-Code`, when given.
    public var diagnostic: String?

    public init(address: EmailAddress, action: String, status: String? = nil, diagnostic: String? = nil) {
        self.address = address
        self.action = action
        self.status = status
        self.diagnostic = diagnostic
    }
}

/// A parsed message: what the gateway needs of it, read leniently.
///
/// Parsing never fails: whatever could be read is here, and what was wrong is listed in ``defects``
/// (as Python's `email` package collects defects instead of raising).
public struct InboundMessage: Sendable, Equatable {
    public var headers: InboundHeaders
    /// The readable text in UTF-8: text/plain preferred, HTML-only mail converted to text,
    /// `format=flowed` unwrapped (RFC 3676).
    public var text: String
    /// Whether ``text`` came from an HTML part.
    public var textFromHTML: Bool
    public var attachments: [InboundAttachment]
    /// Nested `message/rfc822` (or `text/rfc822-headers`) parts, e.g. the returned message in a bounce.
    public var embeddedMessages: [InboundMessage]
    /// The recipients a delivery-status report names, when this is one.
    public var failedRecipients: [FailedRecipient]
    /// What was wrong with the message, in words (`missing MIME boundary`, `unknown charset x-foo`).
    public var defects: [String]
    /// The size of the raw message in bytes.
    public var size: Int
    /// A digest (SHA-256) of the raw message.
    public var digest: String
    /// A digest of the message without its trace fields (``TraceFields``), standing in for a missing Message-ID;
    /// empty when not computed (then ``digest`` stands in).
    public var contentDigest = ""
    /// SHA-256 (hex) of the Message-ID's text, set by the parser when the Message-ID is longer than
    /// ``longestMessageIDKept`` bytes: ``seenKey`` then names the message by it.
    public var messageIDDigest = ""
    /// The signed parts of this message's own body (S/MIME or OpenPGP), in document order; a signed message
    /// embedded in it (a forward, a bounce) keeps its own.
    public var signedParts: [SignedPart] = []
    /// The longest Message-ID (bytes of UTF-8) that ``seenKey`` keeps as it is.
    public static let longestMessageIDKept = 500

    public init(
        headers: InboundHeaders = InboundHeaders(), text: String = "", textFromHTML: Bool = false,
        attachments: [InboundAttachment] = [], embeddedMessages: [InboundMessage] = [],
        failedRecipients: [FailedRecipient] = [], defects: [String] = [], size: Int = 0, digest: String = ""
    ) {
        self.headers = headers
        self.text = text
        self.textFromHTML = textFromHTML
        self.attachments = attachments
        self.embeddedMessages = embeddedMessages
        self.failedRecipients = failedRecipients
        self.defects = defects
        self.size = size
        self.digest = digest
    }

    /// The key under which the message is recorded as seen: its Message-ID with the domain in lower case (a domain
    /// is case-insensitive, RFC 5321 §2.4; the local part is kept as written), else the digest of the message
    /// without its trace fields.
    public var seenKey: String {
        if let id = headers.messageID, id.utf8.count > Self.longestMessageIDKept {
            // Too long to be a store's key (PostgreSQL refuses an index row past ~2.7 kB): its digest stands for it.
            return "message-id-sha256:\(messageIDDigest)"
        }
        if let id = headers.messageID, !id.isEmpty {
            guard let at = id.lastIndex(ofASCII: "@") else { return "<\(id)>" }
            return "<\(id[..<at])\(id[at...].lowercased())>"
        }
        return "sha256:\(contentDigest.isEmpty ? digest : contentDigest)"
    }
}
