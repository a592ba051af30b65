import RolloutCore

extension OutboxKind {
    /// The classes of mail that the outbox caps count apart, so that the workflow's own notices (an assignment, an
    /// escalation, a resolution) are never held behind a flood of relayed conversation or of answers.
    public enum CapClass: String, Sendable, CaseIterable {
        /// What the workflow tells: assignments, deadlines, escalations, results, delivery failures.
        case workflow
        /// People's text relayed to the others on the ticket.
        case relay
        /// Answers to a sender: transcripts and error replies.
        case answer

        /// The kinds of the class, as the store is asked for them.
        public var kinds: [OutboxKind] {
            let all = NotificationKind.allCases.map(OutboxKind.notification) + [.errorReply, .weeklyDigest]
            return all.filter { $0.capClass == self }
        }
    }

    /// The class the caps count this kind in.
    public var capClass: CapClass {
        switch self {
        case .notification(.conversation): .relay
        case .notification(.transcript), .errorReply: .answer
        case .notification, .weeklyDigest: .workflow
        }
    }
}
