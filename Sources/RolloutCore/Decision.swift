import Foundation

/// Everything one event causes, as values: the shell persists it in one transaction and performs the rest.
public struct Decision: Sendable, Equatable {
    /// The release and rollout tickets after the event.
    public var state: RolloutCase
    /// The staged-rollout ticket this event created, if any.
    public var createdTicket: TicketID?
    public var results: [CommandResult] = []
    public var history: [HistoryEntry] = []
    public var notifications: [RoutedNotification] = []
    public var timers: [TimerChange] = []
    public var hooks: [HookRun] = []
    public var attachments: [AttachmentVerdict] = []
    /// What the shell adds to the sender's answer (the transcript) from the store: the ticket's state, the bundle.
    public var answerParts: [AnswerPart] = []

    public init(state: RolloutCase) { self.state = state }

    /// Whether anything is to be stored.
    public var changesStore: Bool { !history.isEmpty || !notifications.isEmpty || !timers.isEmpty }
}
