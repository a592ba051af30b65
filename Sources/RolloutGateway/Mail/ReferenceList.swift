/// The Message-IDs an outgoing message refers to (`References`, its last one `In-Reply-To`), made writable and
/// bounded (issue 10 #6).
///
/// - Threading (RFC 5322 §3.6.4): the ticket's thread root, then the answered message's own chain (its
///   `References`, or its `In-Reply-To` when it has none), then the answered message itself; each ID once,
///   first occurrence kept.
/// - Writable: an ID goes out only if it fits on one header line of at most 998 characters (RFC 5322 §2.1.1)
///   after the longest field name that carries it (`In-Reply-To: <…>`), and is a plain msg-id: printable
///   ASCII, no white space, no angle brackets, an `@` with text on both sides. Anything else cannot be
///   written back and is dropped (a 5,000-character Message-ID is never copied).
/// - Bounded: at most ``maximumCount`` IDs, the first ``keptFirst`` and the last ones (the newest, the
///   answered message last), as mail clients trim long chains.
public struct ReferenceList: Sendable, Equatable {
    /// At most this many IDs are written.
    public static let maximumCount = 12
    /// How many of the oldest IDs are kept when the chain is cut (the thread root and the conversation's start).
    public static let keptFirst = 2
    /// The longest ID written: `In-Reply-To: <` + ID + `>` within 998 characters.
    public static let maximumIDLength = 998 - "In-Reply-To: <>".count

    /// Oldest first, without angle brackets; the last one is `In-Reply-To`.
    public let ids: [String]

    /// - Parameters:
    ///   - root: the ticket's thread root, when the message belongs to a ticket.
    ///   - chain: the answered message's `References` (or `In-Reply-To`), oldest first.
    ///   - answered: the answered message's Message-ID.
    public init(root: String? = nil, chain: [String] = [], answered: String? = nil) {
        var seen = Set<String>()
        var ids: [String] = []
        for id in [root].compactMap({ $0 }) + chain + [answered].compactMap({ $0 }) where Self.isWritable(id) {
            if seen.insert(id).inserted { ids.append(id) }
        }
        // The answered message stays last even when it was already in the chain.
        if let answered, Self.isWritable(answered), ids.last != answered, let index = ids.firstIndex(of: answered) {
            ids.remove(at: index)
            ids.append(answered)
        }
        if ids.count > Self.maximumCount {
            ids = Array(ids.prefix(Self.keptFirst) + ids.suffix(Self.maximumCount - Self.keptFirst))
        }
        self.ids = ids
    }

    /// The chain an answer continues (RFC 5322 §3.6.4): the answered message's `References`, or its `In-Reply-To`
    /// when it has no `References` and names one message.
    public static func chain(references: [String], inReplyTo: [String]) -> [String] {
        if !references.isEmpty { return references }
        return inReplyTo.count == 1 ? inReplyTo : []
    }

    /// Whether an ID can be written as a msg-id on a header line of at most 998 characters.
    public static func isWritable(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= maximumIDLength else { return false }
        var ats = 0
        for byte in bytes {
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "<"), byte != UInt8(ascii: ">") else { return false }
            if byte == UInt8(ascii: "@") { ats += 1 }
        }
        return ats >= 1 && bytes.first != UInt8(ascii: "@") && bytes.last != UInt8(ascii: "@")
    }
}
