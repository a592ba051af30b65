/// Something a command asks to be put into its sender's answer (the transcript) that the core cannot make itself:
/// the shell reads it from the store and adds it, or says why it could not.
public enum AnswerPart: Sendable, Equatable {
    /// `show`: the ticket's state as `tickets show` gives it, without message bodies.
    case ticketState(TicketID)
    /// `bundle`: the report bundle of step 9b as a ZIP attachment, or how to fetch it when it is over the cap.
    case reportBundle(TicketID)
}
