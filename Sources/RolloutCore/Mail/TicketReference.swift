import Foundation

/// The ticket a message names, and how it was found (SPEC §5 "Threading").
public struct TicketReference: Sendable, Equatable {
    /// How a message named its ticket.
    public enum Source: Sendable, Equatable {
        /// A subject tag (`[staged-rollout #42]`).
        case subjectTag
        /// `In-Reply-To` naming a Message-ID the gateway sent (the ID is given).
        case inReplyTo(String)
        /// `References` naming a Message-ID the gateway sent (the ID is given).
        case references(String)
        /// The message's own Message-ID is one the gateway sent: a returned copy of its own message.
        case ownMessageID(String)
    }

    public var ticket: TicketID
    /// The queue the subject tag names; `nil` when found by Message-ID, which does not carry it (the store knows).
    public var queue: Queue?
    public var source: Source
    /// Whether it was found in a message returned inside a delivery-status report rather than in the message itself.
    public var inReturnedMessage: Bool

    public init(ticket: TicketID, queue: Queue?, source: Source, inReturnedMessage: Bool = false) {
        self.ticket = ticket
        self.queue = queue
        self.source = source
        self.inReturnedMessage = inReturnedMessage
    }
}

/// Finds the ticket a message names: its subject tag, else `In-Reply-To`/`References` naming a Message-ID the
/// gateway issued: `rg.<N>.<…>@<domain>`, one notification or a person's thread root (`rg.<N>.thread.<…>`, their
/// first message of the ticket, which every later one refers to), or `ticket-<N>@<domain>`, the thread root that
/// mail sent before issue 20 referred to (never sent itself, still named by replies in people's mailboxes).
///
/// The signed reply address comes first in SPEC §5's order but is read elsewhere.
public struct TicketReferenceFinder: Sendable, Equatable {
    /// The subject tag text per queue (RT style: `[<text> #<id>]`), matched case-insensitively.
    public var tags: [Queue: String]
    /// The domain of the gateway's Message-IDs, matched case-insensitively.
    public var messageIDDomain: String

    public init(tags: [Queue: String] = [.stagedRollout: "staged-rollout", .release: "sw-rel"], messageIDDomain: String) {
        self.tags = tags
        self.messageIDDomain = messageIDDomain
    }

    /// The ticket the message names: subject tag first, then `In-Reply-To`, then `References` newest first.
    public func reference(in headers: InboundHeaders) -> TicketReference? {
        if let (ticket, queue) = subjectTag(in: headers.subject) {
            return TicketReference(ticket: ticket, queue: queue, source: .subjectTag)
        }
        for id in headers.inReplyTo {
            if let ticket = ticket(inMessageID: id) { return TicketReference(ticket: ticket, queue: nil, source: .inReplyTo(id)) }
        }
        for id in headers.references.reversed() {
            if let ticket = ticket(inMessageID: id) { return TicketReference(ticket: ticket, queue: nil, source: .references(id)) }
        }
        return nil
    }

    /// The ticket of the message returned inside a delivery-status report: the first embedded message (depth first)
    /// whose own Message-ID the gateway issued, or whose subject tag or threading headers name a ticket.
    public func returnedReference(in report: InboundMessage) -> TicketReference? {
        for embedded in report.embeddedMessages {
            if let id = embedded.headers.messageID, let ticket = ticket(inMessageID: id) {
                return TicketReference(ticket: ticket, queue: nil, source: .ownMessageID(id), inReturnedMessage: true)
            }
            if var found = reference(in: embedded.headers) ?? returnedReference(in: embedded) {
                found.inReturnedMessage = true
                return found
            }
        }
        return nil
    }

    /// The first of our tags in a subject, wherever it stands (after `Re:`/`AW:`/`[list]` prefixes or elsewhere);
    /// other systems' tags (`[GGUS #123]`, `[rt.example.org #55]`) are skipped.
    ///
    /// Linear in the subject, which is read up to 4 KiB: for each `]`, only the text after the last `[` before it.
    public func subjectTag(in subject: String) -> (TicketID, Queue)? {
        let text = subject.prefix(4096)
        var open: Substring.Index?
        var index = text.startIndex
        while index < text.endIndex {
            switch text[index] {
            case "[": open = text.index(after: index)
            case "]":
                if let start = open, let found = tag(String(text[start..<index])) { return found }
                open = nil
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The inside of one bracket: `<text> #<digits>`, spaces optional around `#`.
    private func tag(_ inside: String) -> (TicketID, Queue)? {
        guard let hash = inside.lastIndex(of: "#") else { return nil }
        let text = inside[..<hash].trimmingWhitespace().lowercased()
        let digits = inside[inside.index(after: hash)...].trimmingWhitespace()
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(digits), number > 0
        else { return nil }
        // Sorted so that the outcome does not depend on dictionary order when two queues share a tag text.
        for queue in Queue.allCases where tags[queue]?.lowercased() == text { return (TicketID(number), queue) }
        return nil
    }

    /// The ticket of a Message-ID the gateway issued (`rg.42.team-assigned.…@…`, `rg.42.thread.…@…`, the older
    /// `ticket-42@…`), with or without `<>`.
    public func ticket(inMessageID id: String) -> TicketID? {
        var id = id.trimmingWhitespace()
        if id.hasPrefix("<") && id.hasSuffix(">") { id = String(id.dropFirst().dropLast()) }
        guard let at = id.lastIndex(ofASCII: "@"), id[id.index(after: at)...].lowercased() == messageIDDomain.lowercased()
        else { return nil }
        let local = id[..<at]
        let digits: Substring
        if local.hasPrefix("ticket-") {
            digits = local.dropFirst("ticket-".count)
        } else if local.hasPrefix("rg.") {
            let afterPrefix = local.dropFirst("rg.".count)
            guard let dot = afterPrefix.firstIndex(of: ".") else { return nil }
            digits = afterPrefix[..<dot]
        } else {
            return nil
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits),
            number > 0
        else { return nil }
        return TicketID(number)
    }

    /// Whether the gateway issued this Message-ID (any `ticket-…` or `rg.…` ID of its domain).
    public func isOwnMessageID(_ id: String) -> Bool { ticket(inMessageID: id) != nil }
}
