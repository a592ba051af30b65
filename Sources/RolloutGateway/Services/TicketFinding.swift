/// How a message's ticket was found (SPEC §5 "Threading"), as `explain --json` names it in `found_by`.
public enum TicketFinding: String, Sendable, Codable, Equatable {
    /// A reply address issued by the gateway (a person's or a list's token).
    case signedAddress = "signed-address"
    case subjectTag = "subject-tag"
    case inReplyTo = "in-reply-to"
    case references
    /// The message's own Message-ID is one of ours (a copy of our mail).
    case ownMessageID = "own-message-id"
    /// A bounce: the message returned inside it names the ticket.
    case returnedMessage = "returned-message"
    /// A bounce to the ticket's return path.
    case returnPath = "return-path"
    /// Named by the operator (`set-aside replay --ticket`).
    case operatorNamed = "operator"
}
