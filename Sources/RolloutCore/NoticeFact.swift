/// A fact a notification carries to its template, beyond the ticket's own values. The raw value is the template
/// variable it fills (`{{deadline}}`), and is part of the seed of the notification's Message-ID.
public enum NoticeFact: String, Sendable, Hashable, CaseIterable {
    /// A team's answer deadline, as the calendar describes it.
    case deadline
    /// The end of a team's minimum and maximum testing period.
    case testingMinimum = "testing_minimum"
    case testingMaximum = "testing_maximum"
    /// A team's answer (`accepted`, `rejected`).
    case answer
    /// The days a testing period was extended by.
    case days
    case outcome
    case docid
    case escalationNumber = "escalation_number"
    case teamsWithoutAnswer = "teams_without_answer"
    /// An attachment's file name; why it was refused; the name it should have had; what it was taken as.
    case fileName = "file_name"
    case reason
    case expectedName = "expected_name"
    case what
    /// The teams that reported, comma-separated.
    case teams
    /// The report name a team is expected to send.
    case reportName = "report_name"
    /// Messages held back: by the volume caps (with the `addresses` they were for), or relayed together.
    case held
    case addresses
    /// The delivery failures of a ticket's mail, one line each.
    case failures
    /// The registry's (GOCDB's) beta downtimes of a team, one per line: host, service type, until when.
    case downtimes
    /// How many reminders a team got.
    case reminders
    /// A relayed conversation text and its author (``RelayAuthor``).
    case text
    case author
    case authorName = "author_name"
    case authorLabel = "author_label"
    case attribution
    /// An answer's threading: the Message-ID answered and the sender's chain of references.
    case inReplyTo = "in_reply_to"
    case references
    /// The Message-ID of a message sent in someone's name, and how many of its commands were refused.
    case messageID = "message_id"
    case refusedCount = "refused_count"
    /// Present when a message's conversation text was relayed.
    case relayed
    /// The text of a transcript.
    case transcript
}

extension Dictionary where Key == NoticeFact, Value == String {
    /// The facts as template values, by variable name.
    public var templateValues: [String: String] {
        Dictionary<String, String>(uniqueKeysWithValues: map { ($0.key.rawValue, $0.value) })
    }
}
