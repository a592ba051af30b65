

/// The routing table: which event notifies whom with which template. Data, not code.
public struct NotificationRouting: Sendable, Equatable {
    public private(set) var rules: [NotificationRule]

    public init(rules: [NotificationRule]) { self.rules = rules }

    /// The shipped defaults (issue list of SPEC §4 and §7).
    public static let defaults = NotificationRouting(rules: [
        .init(kind: .releaseCreated, recipients: [.releaseManagers]),
        .init(kind: .releaseStaged, recipients: [.managers]),
        .init(kind: .teamAssigned, recipients: [.team]),
        .init(kind: .teamUnassigned, recipients: [.team]),
        .init(kind: .teamAccepted, recipients: [.managers]),
        .init(kind: .teamAccepted, recipients: [.team], template: TemplateName.answerAcknowledged.rawValue),
        .init(kind: .teamRejected, recipients: [.managers]),
        .init(kind: .teamRejected, recipients: [.team], template: TemplateName.answerAcknowledged.rawValue),
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
        .init(kind: .downtimeOverdue, recipients: [.managers, .team]),
        .init(kind: .transcript, recipients: [.sender]),
        .init(kind: .deliveryFailed, recipients: [.managers]),
        .init(kind: .volumeCapped, recipients: [.managers]),
        .init(kind: .directoryTeamGone, recipients: [.managers]),
    ])

    /// These defaults with every kind named in `overrides` routed by `overrides` alone.
    /// A rule with no recipients silences its kind.
    public func overriding(with overrides: [NotificationRule]) -> NotificationRouting {
        let replaced = Set(overrides.map(\.kind))
        return NotificationRouting(rules: rules.filter { !replaced.contains($0.kind) } + overrides.filter { !$0.recipients.isEmpty })
    }

    public func rules(for kind: NotificationKind) -> [NotificationRule] { rules.filter { $0.kind == kind } }
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
