/// Every kind of mail the workflow sends. The raw value names the event in configuration and,
/// by default, the template.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    case releaseStaged = "release-staged"
    case teamAssigned = "team-assigned"
    case teamUnassigned = "team-unassigned"
    case teamAccepted = "team-accepted"
    case teamRejected = "team-rejected"
    case noAnswer = "no-answer"
    case escalation = "escalation"
    case testingExtended = "testing-extended"
    case testingMinimumReached = "testing-minimum"
    case testingMaximumReached = "testing-maximum"
    case reportReceived = "report-received"
    case reportRefused = "report-refused"
    case allReportsIn = "all-reports-in"
    case conversation = "conversation"
    case resolved = "resolved"
    case downtimeReminder = "downtime-reminder"
    case transcript = "transcript"
    /// A notification could not be delivered to some recipients (a bounce, or a permanent SMTP refusal).
    case deliveryFailed = "delivery-failed"
    /// Outbound mail of a ticket is held back by the volume caps.
    case volumeCapped = "volume-capped"
}

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

/// One routing rule, as RT's scrips: when this kind of event happens, mail these roles with this template.
public struct NotificationRule: Sendable, Equatable {
    public var kind: NotificationKind
    public var recipients: [RecipientRole]
    public var template: String

    public init(kind: NotificationKind, recipients: [RecipientRole], template: String? = nil) {
        self.kind = kind
        self.recipients = recipients
        self.template = template ?? kind.rawValue
    }
}

/// The routing table: which event notifies whom with which template. Data, not code.
public struct NotificationRouting: Sendable, Equatable {
    public private(set) var rules: [NotificationRule]

    public init(rules: [NotificationRule]) { self.rules = rules }

    /// The shipped defaults (issue list of SPEC §4 and §7).
    public static let defaults = NotificationRouting(rules: [
        .init(kind: .releaseStaged, recipients: [.managers]),
        .init(kind: .teamAssigned, recipients: [.team]),
        .init(kind: .teamUnassigned, recipients: [.team]),
        .init(kind: .teamAccepted, recipients: [.managers]),
        .init(kind: .teamAccepted, recipients: [.team], template: "answer-acknowledged"),
        .init(kind: .teamRejected, recipients: [.managers]),
        .init(kind: .teamRejected, recipients: [.team], template: "answer-acknowledged"),
        .init(kind: .noAnswer, recipients: [.managers]),
        .init(kind: .escalation, recipients: [.managers, .eaLists]),
        .init(kind: .testingExtended, recipients: [.team]),
        .init(kind: .testingMinimumReached, recipients: [.team]),
        .init(kind: .testingMaximumReached, recipients: [.team, .managers]),
        .init(kind: .reportReceived, recipients: [.sender]),
        .init(kind: .reportRefused, recipients: [.sender]),
        .init(kind: .allReportsIn, recipients: [.managers]),
        .init(kind: .conversation, recipients: [.watchers]),
        .init(kind: .resolved, recipients: [.releaseManagers, .assignedTeams]),
        .init(kind: .downtimeReminder, recipients: [.team]),
        .init(kind: .transcript, recipients: [.sender]),
        .init(kind: .deliveryFailed, recipients: [.managers]),
        .init(kind: .volumeCapped, recipients: [.managers]),
    ])

    /// These defaults with every kind named in `overrides` routed by `overrides` alone.
    /// A rule with no recipients silences its kind.
    public func overriding(with overrides: [NotificationRule]) -> NotificationRouting {
        let replaced = Set(overrides.map(\.kind))
        return NotificationRouting(rules: rules.filter { !replaced.contains($0.kind) } + overrides.filter { !$0.recipients.isEmpty })
    }

    public func rules(for kind: NotificationKind) -> [NotificationRule] { rules.filter { $0.kind == kind } }
}

/// Something the workflow wants people to hear about, before routing.
public struct Notice: Sendable, Equatable {
    public var kind: NotificationKind
    public var ticket: TicketID
    public var queue: Queue
    /// The team the event is about, for the `team` role.
    public var team: TeamName?
    /// Facts for the template (`deadline`, `reason`, `text`, …).
    public var facts: [String: String]

    public init(kind: NotificationKind, ticket: TicketID, queue: Queue, team: TeamName? = nil, facts: [String: String] = [:]) {
        self.kind = kind
        self.ticket = ticket
        self.queue = queue
        self.team = team
        self.facts = facts
    }
}

/// A routed notification: a template to render for these recipients.
public struct RoutedNotification: Sendable, Equatable {
    public var kind: NotificationKind
    public var template: String
    public var ticket: TicketID
    public var queue: Queue
    public var team: TeamName?
    public var recipients: [EmailAddress]
    public var facts: [String: String]

    public init(
        kind: NotificationKind, template: String, ticket: TicketID, queue: Queue, team: TeamName?,
        recipients: [EmailAddress], facts: [String: String]
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

extension NotificationRouting {
    /// Expands a notice into notifications, one per matching rule, with roles resolved to addresses.
    /// Rules that resolve to nobody are dropped; each address appears once per notification.
    public func route(
        _ notice: Notice, in rolloutCase: RolloutCase, registry: Registry, sender: EmailAddress?,
        excluding gateway: Set<EmailAddress> = []
    ) -> [RoutedNotification] {
        let stack = rolloutCase.release.release.stack
        func members(_ team: TeamName?) -> [EmailAddress] { team.flatMap { registry.teams[$0]?.members } ?? [] }
        let assigned = (rolloutCase.rollout?.activeTeams ?? []).flatMap { members($0.team) }
        return rules(for: notice.kind).compactMap { rule in
            var addresses: [EmailAddress] = []
            for role in rule.recipients {
                switch role {
                case .managers: addresses += registry.people(ofStack: stack).managers
                case .releaseManagers: addresses += registry.releaseManagers
                case .team: addresses += members(notice.team)
                case .assignedTeams: addresses += assigned
                case .eaLists: addresses += registry.people(ofStack: stack).lists
                case .sender: addresses += sender.map { [$0] } ?? []
                case .watchers:
                    addresses += (registry.people(ofStack: stack).managers + assigned).filter { $0 != sender }
                case .address(let address): addresses.append(address)
                }
            }
            var seen = Set<EmailAddress>()
            let unique = addresses.filter { !gateway.contains($0) && seen.insert($0).inserted }
            guard !unique.isEmpty else { return nil }
            return RoutedNotification(
                kind: notice.kind, template: rule.template, ticket: notice.ticket, queue: notice.queue,
                team: notice.team, recipients: unique, facts: notice.facts)
        }
    }
}
