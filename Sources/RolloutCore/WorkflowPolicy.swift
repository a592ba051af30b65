/// The tunable parts of the workflow (SPEC §4, §6).
public struct WorkflowPolicy: Sendable, Equatable {
    public var calendar: BusinessCalendar
    /// Working days a team has to answer its assignment.
    public var answerWorkingDays: Int
    /// How many escalations are sent at most (the first one included, those sent by hand with `escalate` too).
    public var escalationLimit: Int
    /// The testing window, in calendar days after the team accepted.
    public var testingMinimumDays: Int
    public var testingMaximumDays: Int
    /// Verbs that need a strongly authenticated sender.
    public var strongAuthenticationVerbs: Set<Verb>
    /// How many of one sender's conversation mails on one ticket are relayed one by one within an hour; the rest
    /// stay on the ticket and go out together an hour after the first one held (`outbox.relays_per_sender_per_hour`).
    public var relaysPerSenderPerHour: Int = 5
    /// How often the registry (GOCDB) is asked for the beta downtimes of an open rollout's accepted teams; nil when no
    /// registry is configured (then only `downtime on|off` by mail counts).
    public var betaDowntimeCheckMinutes: Int? = nil
    /// Reminders (one a working day after Production) a team still in its beta downtime gets before the managers are
    /// told instead.
    public var downtimeReminderLimit: Int = 5

    public init(
        calendar: BusinessCalendar = BusinessCalendar(), answerWorkingDays: Int = 1, escalationLimit: Int = 3,
        testingMinimumDays: Int = 5, testingMaximumDays: Int = 7, strongAuthenticationVerbs: Set<Verb> = []
    ) {
        self.calendar = calendar
        self.answerWorkingDays = answerWorkingDays
        self.escalationLimit = escalationLimit
        self.testingMinimumDays = testingMinimumDays
        self.testingMaximumDays = testingMaximumDays
        self.strongAuthenticationVerbs = strongAuthenticationVerbs
    }
}

/// Everything the rules engine needs besides the ticket, the event and the time.
public struct WorkflowContext: Sendable, Equatable {
    public var registry: Registry
    public var policy: WorkflowPolicy
    public var routing: NotificationRouting
    /// The gateway's own addresses: never notified.
    public var gatewayAddresses: Set<EmailAddress>

    public init(
        registry: Registry, policy: WorkflowPolicy = WorkflowPolicy(), routing: NotificationRouting = .defaults,
        gatewayAddresses: Set<EmailAddress> = []
    ) {
        self.registry = registry
        self.policy = policy
        self.routing = routing
        self.gatewayAddresses = gatewayAddresses
    }
}
