import Foundation

/// Who gives a command.
public struct Sender: Sendable, Equatable {
    public var address: EmailAddress
    public var authentication: AuthenticationLevel
    /// How ``authentication`` was established; recorded in the history with each command.
    public var basis: AuthenticationBasis?

    /// - Parameter basis: defaults to `from-only` for a weak sender and `operator` for a local one.
    public init(address: EmailAddress, authentication: AuthenticationLevel, basis: AuthenticationBasis? = nil) {
        self.address = address
        self.authentication = authentication
        self.basis =
            basis
            ?? {
                switch authentication {
                case .weak: .fromOnly
                case .local: .operator
                case .strong: nil
                }
            }()
    }
}

/// An attachment as the workflow sees it: its name and its first bytes (enough to tell its container).
public struct AttachmentFacts: Sendable, Equatable {
    public var fileName: String
    public var head: [UInt8]

    public init(fileName: String, head: some Collection<UInt8>) {
        self.fileName = fileName
        self.head = Array(head.prefix(64))
    }
}

/// One line of new text with what it was read as.
public struct ReadLine: Sendable, Equatable {
    public var text: String
    public var reading: CommandLineReading

    public init(text: String, reading: CommandLineReading) {
        self.text = text
        self.reading = reading
    }

    public init(_ text: String) { self.init(text: text, reading: CommandGrammar.read(text)) }
}

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

    public init(
        queue: Queue, sender: Sender, cause: Cause, lines: [ReadLine], attachments: [AttachmentFacts] = [],
        reservedTicketID: TicketID? = nil
    ) {
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
            lines: text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { ReadLine(String($0)) },
            attachments: attachments, reservedTicketID: reservedTicketID)
    }

    /// The conversation part: every line that is not a command, trimmed of leading and trailing blank lines.
    public var conversationText: String {
        let text = lines.filter { $0.reading == .text }.map(\.text)
        let trimmed = text.drop(while: { $0.trimmingWhitespace().isEmpty })
            .reversed().drop(while: { $0.trimmingWhitespace().isEmpty }).reversed()
        return trimmed.joined(separator: "\n")
    }

    /// Whether any line is (meant as) a command: such a message gets a transcript.
    public var hasCommands: Bool { lines.contains { $0.reading != .text } }
}

/// What can happen to a ticket: the rules engine's input.
public enum WorkflowEvent: Sendable, Equatable {
    /// A message with commands, text and attachments.
    case message(MessageEvent)
    /// `release stage` on the command line: steps 1–3.
    case stageRelease(operator: String, reservedTicketID: TicketID)
    /// A due timer.
    case timerFired(TimerKey)
    /// Mail about this ticket could not be delivered to these recipients (a bounce, or a permanent SMTP refusal).
    case deliveryFailed([FailedRecipient], cause: Cause)
    /// The volume caps hold back outbound mail of this ticket (`held` messages, the addresses concerned).
    case outboxHeld(held: Int, addresses: [EmailAddress])
}
