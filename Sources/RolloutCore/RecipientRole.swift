

/// Whom a notification rule addresses, resolved against the ticket and the registry.
public enum RecipientRole: Hashable, Sendable, CustomStringConvertible {
    /// The staged-rollout managers of the ticket's stack.
    case managers
    /// The release managers (owners of the release ticket).
    case releaseManagers
    /// The members of the team the event is about.
    case team
    /// The members of every team still on the ticket.
    case assignedTeams
    /// The stack's EA mailing lists.
    case eaLists
    /// Whoever sent the message that caused the event.
    case sender
    /// Managers and assigned teams, less the sender (RT's watchers).
    case watchers
    /// A fixed address.
    case address(EmailAddress)

    /// Reads a role as written in configuration (`managers`, `ea-lists`, `ops@example.org`).
    public init?(configValue: String) {
        switch configValue.lowercased() {
        case "managers": self = .managers
        case "release-managers": self = .releaseManagers
        case "team": self = .team
        case "assigned-teams": self = .assignedTeams
        case "ea-lists": self = .eaLists
        case "sender": self = .sender
        case "watchers": self = .watchers
        default:
            guard configValue.contains("@"), !configValue.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                return nil
            }
            self = .address(EmailAddress(configValue))
        }
    }

    public var description: String {
        switch self {
        case .managers: "managers"
        case .releaseManagers: "release-managers"
        case .team: "team"
        case .assignedTeams: "assigned-teams"
        case .eaLists: "ea-lists"
        case .sender: "sender"
        case .watchers: "watchers"
        case .address(let address): address.value
        }
    }

    public static let configValues = "managers, release-managers, team, assigned-teams, ea-lists, sender, watchers, or an address"
}
