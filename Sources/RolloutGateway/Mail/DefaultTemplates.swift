import RolloutCore

/// The templates that ship with the gateway, as ``RolloutCore/TemplateName`` lists them: the files of
/// `Sources/RolloutGateway/Templates/`, compiled into the binary.
///
/// Each starts with a `Subject:` line, then a blank line, then the body. Mustache, rendered as plain text (no HTML
/// escaping). An operator's templates folder overrides any of them by file name (`team-assigned.mustache`);
/// `rollout-gateway templates export DIR` writes them out to start one.
enum DefaultTemplates {
    static let footer = text(source(of: .footer))

    /// Every shipped template but the footer, by name.
    static let all: [String: String] = Dictionary(
        uniqueKeysWithValues: TemplateName.allCases.filter { $0 != .footer }.map { ($0.rawValue, text(source(of: $0))) })

    /// The file of each template (a template without its file does not compile).
    private static func source(of name: TemplateName) -> [UInt8] {
        switch name {
        case .allReportsIn: PackageResources.all_reports_in_mustache
        case .answerAcknowledged: PackageResources.answer_acknowledged_mustache
        case .conversation: PackageResources.conversation_mustache
        case .deliveryFailed: PackageResources.delivery_failed_mustache
        case .downtimeReminder: PackageResources.downtime_reminder_mustache
        case .downtimeOverdue: PackageResources.downtime_overdue_mustache
        case .escalation: PackageResources.escalation_mustache
        case .footer: PackageResources.footer_mustache
        case .noAnswer: PackageResources.no_answer_mustache
        case .releaseCreated: PackageResources.release_created_mustache
        case .releaseStaged: PackageResources.release_staged_mustache
        case .reportReceived: PackageResources.report_received_mustache
        case .reportRefused: PackageResources.report_refused_mustache
        case .resolved: PackageResources.resolved_mustache
        case .sentInYourName: PackageResources.sent_in_your_name_mustache
        case .teamAccepted: PackageResources.team_accepted_mustache
        case .teamAssigned: PackageResources.team_assigned_mustache
        case .teamRejected: PackageResources.team_rejected_mustache
        case .teamUnassigned: PackageResources.team_unassigned_mustache
        case .testingExtended: PackageResources.testing_extended_mustache
        case .testingMaximum: PackageResources.testing_maximum_mustache
        case .testingMinimum: PackageResources.testing_minimum_mustache
        case .transcript: PackageResources.transcript_mustache
        case .volumeCapped: PackageResources.volume_capped_mustache
        case .directoryTeamGone: PackageResources.directory_team_gone_mustache
        }
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
