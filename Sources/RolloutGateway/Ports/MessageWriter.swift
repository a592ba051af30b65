import Foundation
import RolloutCore

/// A message with every header decided: what a ``MessageWriter`` turns into bytes.
public struct MailMessage: Sendable {
    public var from: Mailbox
    public var to: [EmailAddress]
    public var subject: String
    public var date: Date
    /// Without angle brackets.
    public var messageID: String
    /// Message-IDs this one refers to, oldest first, without angle brackets; the last is `In-Reply-To`.
    public var references: [String]
    public var replyTo: Mailbox
    /// Further headers in order (`Auto-Submitted`, `X-Loop`, …); values are plain text, cleaned by the writer.
    public var extraHeaders: [(String, String)]
    /// Plain text, any line ends.
    public var body: String
    /// Files after the text: none makes a single text/plain message, any a multipart/mixed one.
    public var attachments: [MailAttachment] = []
    /// Whether a signing writer (`outbox.smime`) may sign it: not when the text is someone else's words.
    public var signable = true

    public init(
        from: Mailbox, to: [EmailAddress], subject: String, date: Date, messageID: String, references: [String],
        replyTo: Mailbox, extraHeaders: [(String, String)], body: String
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.references = references
        self.replyTo = replyTo
        self.extraHeaders = extraHeaders
        self.body = body
    }
}

/// The MIME-writing port: a resolved message in, RFC 5322 bytes out (CRLF line ends, a text/plain UTF-8 body,
/// encoded words for non-ASCII text; multipart/mixed with base64 parts when the message has attachments). No header value may add a header: CR, LF and control characters never pass.
public protocol MessageWriter: Sendable {
    func write(_ message: MailMessage) -> [UInt8]
}
