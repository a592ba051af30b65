import RolloutCore

/// A run-time failure of a gateway operation, with the exit status it maps to (sysexits.h).
public enum GatewayError: Error, CustomStringConvertible {
    case unknownTicket(TicketID)
    /// A configured hook failed. Hooks run once their event's commit is durable: the event stays applied.
    case hookFailed(HookRun.Hook, String)
    /// The event kept conflicting with concurrent writers.
    case tooManyConflicts(TicketID)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .unknownTicket(let id): "there is no ticket \(id); `rollout-gateway tickets list` shows the tickets"
        case .hookFailed(let hook, let detail): "the \(hook.rawValue) hook failed: \(detail); the event it ran for is applied: run the hook again by hand once it works (its environment is in the log)"
        case .tooManyConflicts(let id): "ticket \(id) kept changing under this event; try again"
        case .invalidInput(let detail): detail
        }
    }
}
