import Foundation

/// A message that was set aside (kept, not applied): its bytes, why, when and where it came from, so that an
/// operator can read it and replay it once the cause is fixed (`rollout-gateway set-aside`).
public struct SetAsideMessage: Sendable, Equatable, Codable {
    /// The store's number for it, once stored.
    public var id: Int64?
    /// The key it was recorded under as seen (Message-ID, or digest).
    public var key: String
    public var sender: String?
    public var subject: String
    /// Why it was set aside, in the gateway's words.
    public var reason: String
    /// Where it came from: `stdin`, `maildir FILE`, `imap MAILBOX uid N`, `replay of N`.
    public var source: String
    public var receivedAt: Date
    /// The size of the bytes kept.
    public var size: Int
    /// The size of the message as received: larger than ``size`` when only its header block was fetched (a message
    /// over `inbound.max_message_bytes` read over IMAP).
    public var messageSize: Int
    /// The raw message (empty in listings).
    public var bytes: [UInt8]

    public init(
        id: Int64? = nil, key: String, sender: String?, subject: String, reason: String, source: String, receivedAt: Date,
        bytes: [UInt8], size: Int? = nil, messageSize: Int? = nil
    ) {
        self.id = id
        self.key = key
        self.sender = sender
        self.subject = subject
        self.reason = reason
        self.source = source
        self.receivedAt = receivedAt
        self.bytes = bytes
        self.size = size ?? bytes.count
        self.messageSize = messageSize ?? size ?? bytes.count
    }

    enum CodingKeys: String, CodingKey {
        case id, key, sender, subject, reason, source, receivedAt, size, messageSize
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(Int64.self, forKey: .id), key: try c.decode(String.self, forKey: .key),
            sender: try c.decodeIfPresent(String.self, forKey: .sender), subject: try c.decode(String.self, forKey: .subject),
            reason: try c.decode(String.self, forKey: .reason), source: try c.decode(String.self, forKey: .source),
            receivedAt: try c.decode(Date.self, forKey: .receivedAt), bytes: [], size: try c.decode(Int.self, forKey: .size),
            messageSize: try c.decodeIfPresent(Int.self, forKey: .messageSize))
    }

    /// Every field but the bytes; `sender` as an explicit null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(key, forKey: .key)
        try c.encode(sender, forKey: .sender)
        try c.encode(subject, forKey: .subject)
        try c.encode(reason, forKey: .reason)
        try c.encode(source, forKey: .source)
        try c.encode(receivedAt, forKey: .receivedAt)
        try c.encode(size, forKey: .size)
        try c.encode(messageSize, forKey: .messageSize)
    }
}
