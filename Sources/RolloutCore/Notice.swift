

/// Something the workflow wants people to hear about, before routing.
public struct Notice: Sendable, Equatable {
    public var kind: NotificationKind
    public var ticket: TicketID
    public var queue: Queue
    /// The team the event is about, for the `team` role.
    public var team: TeamName?
    /// Facts for the template.
    public var facts: [NoticeFact: String]

    public init(kind: NotificationKind, ticket: TicketID, queue: Queue, team: TeamName? = nil, facts: [NoticeFact: String] = [:]) {
        self.kind = kind
        self.ticket = ticket
        self.queue = queue
        self.team = team
        self.facts = facts
    }
}
