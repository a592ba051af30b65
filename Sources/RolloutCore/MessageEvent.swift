import Foundation

/// A message (or an `apply` from the command line) addressed to one ticket.
public struct MessageEvent: Sendable, Equatable {
    /// The queue the message addressed: commands are checked against it.
    public var queue: Queue
    public var sender: Sender
    public var cause: Cause
    /// The new text, line by line.
    public var lines: [ReadLine]
    public var attachments: [AttachmentFacts]
    /// The ID to give a staged-rollout ticket if this message stages the release.
    public var reservedTicketID: TicketID?
    /// When the mail was written (``MessageFreshness/written(_:arrival:)``), kept with the history it causes.
    public var writtenAt: Date?
    /// The sender's recent relays on the ticket, for the flood limit; nil when unknown (a dry run): relayed.
    public var relayWindow: RelayWindow?

    public init(
        queue: Queue, sender: Sender, cause: Cause, lines: [ReadLine], attachments: [AttachmentFacts] = [],
        reservedTicketID: TicketID? = nil, writtenAt: Date? = nil
    ) {
        self.writtenAt = writtenAt
        self.queue = queue
        self.sender = sender
        self.cause = cause
        self.lines = lines
        self.attachments = attachments
        self.reservedTicketID = reservedTicketID
    }

    /// Reads free text into lines.
    public init(
        queue: Queue, sender: Sender, cause: Cause, text: String, attachments: [AttachmentFacts] = [],
        reservedTicketID: TicketID? = nil
    ) {
        self.init(
            queue: queue, sender: sender, cause: cause,
            lines: text.physicalLines.map { ReadLine($0) },
            attachments: attachments, reservedTicketID: reservedTicketID)
    }

    /// The conversation part: every line that is not a command, trimmed of leading and trailing blank lines; empty
    /// when the sender wrote no words of their own (quoted context alone is no conversation).
    public var conversationText: String {
        guard lines.contains(where: { $0.reading == .text && !$0.text.trimmingWhitespace().isEmpty }) else { return "" }
        let text = lines.filter { $0.reading.isConversation }.map(\.text)
        let trimmed = text.drop(while: { $0.trimmingWhitespace().isEmpty })
            .reversed().drop(while: { $0.trimmingWhitespace().isEmpty }).reversed()
        return trimmed.joined(separator: "\n")
    }

    /// Whether any line is (meant as) a command: such a message gets a transcript.
    public var hasCommands: Bool { lines.contains { !$0.reading.isConversation } }
}
