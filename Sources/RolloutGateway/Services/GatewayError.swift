import RolloutCore

/// A run-time failure of a gateway operation, with the exit status it maps to (sysexits.h).
public enum GatewayError: Error, CustomStringConvertible {
    case unknownTicket(TicketID)
    /// A configured hook failed; nothing was committed.
    case hookFailed(HookRun.Hook, String)
    /// The event kept conflicting with concurrent writers.
    case tooManyConflicts(TicketID)
    case invalidInput(String)
    /// A hook ran for an event, then another writer changed the ticket and the event, decided again, would no longer
    /// run it: nothing was committed, and trying again would record a ticket that says otherwise than the hook did.
    case hookRanForChangedTicket(HookRun.Hook, TicketID)

    public var description: String {
        switch self {
        case .unknownTicket(let id): "there is no ticket \(id); `rollout-gateway tickets list` shows the tickets"
        case .hookFailed(let hook, let detail): "the \(hook.rawValue) hook failed: \(detail); nothing was changed, try again once it works"
        case .tooManyConflicts(let id): "ticket \(id) kept changing under this event; try again"
        case .invalidInput(let detail): detail
        case .hookRanForChangedTicket(let hook, let id):
            "the \(hook.rawValue) hook ran for ticket \(id), then the ticket was changed by someone else and this event would now decide "
                + "otherwise; nothing of it was recorded: compare the repository with the ticket (`rollout-gateway tickets show \(id.rawValue)`) before acting again"
        }
    }
}
