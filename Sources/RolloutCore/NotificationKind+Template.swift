extension NotificationKind {
    /// The template a notification of this kind is written with, unless a routing rule names another.
    public var template: TemplateName {
        switch self {
        case .releaseCreated: .releaseCreated
        case .releaseStaged: .releaseStaged
        case .teamAssigned: .teamAssigned
        case .teamUnassigned: .teamUnassigned
        case .teamAccepted: .teamAccepted
        case .teamRejected: .teamRejected
        case .noAnswer: .noAnswer
        case .escalation: .escalation
        case .testingExtended: .testingExtended
        case .testingMinimumReached: .testingMinimum
        case .testingMaximumReached: .testingMaximum
        case .reportReceived: .reportReceived
        case .reportRefused: .reportRefused
        case .allReportsIn: .allReportsIn
        case .conversation: .conversation
        case .resolved: .resolved
        case .downtimeReminder: .downtimeReminder
        case .downtimeOverdue: .downtimeOverdue
        case .transcript: .transcript
        case .deliveryFailed: .deliveryFailed
        case .volumeCapped: .volumeCapped
        case .directoryTeamGone: .directoryTeamGone
        }
    }
}
