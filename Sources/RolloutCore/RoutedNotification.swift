

/// A routed notification: a template to render for these recipients.
public struct RoutedNotification: Sendable, Equatable {
    public var kind: NotificationKind
    public var template: String
    public var ticket: TicketID
    public var queue: Queue
    public var team: TeamName?
    public var recipients: [EmailAddress]
    public var facts: [NoticeFact: String]

    public init(
        kind: NotificationKind, template: String, ticket: TicketID, queue: Queue, team: TeamName?,
        recipients: [EmailAddress], facts: [NoticeFact: String]
    ) {
        self.kind = kind
        self.template = template
        self.ticket = ticket
        self.queue = queue
        self.team = team
        self.recipients = recipients
        self.facts = facts
    }
}
