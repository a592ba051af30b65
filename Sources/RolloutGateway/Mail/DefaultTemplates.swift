/// The templates that ship with the gateway, one per notification kind (plus the acknowledgement to a team and the
/// footer): the files of `Sources/RolloutGateway/Templates/`, compiled into the binary.
///
/// Each starts with a `Subject:` line, then a blank line, then the body. Mustache, rendered as plain text (no HTML
/// escaping). An operator's templates folder overrides any of them by file name (`team-assigned.mustache`);
/// `rollout-gateway templates export DIR` writes them out to start one.
enum DefaultTemplates {
    static let footer = text(PackageResources.footer_mustache)

    static let all: [String: String] = [
        "all-reports-in": text(PackageResources.all_reports_in_mustache),
        "answer-acknowledged": text(PackageResources.answer_acknowledged_mustache),
        "conversation": text(PackageResources.conversation_mustache),
        "delivery-failed": text(PackageResources.delivery_failed_mustache),
        "downtime-reminder": text(PackageResources.downtime_reminder_mustache),
        "escalation": text(PackageResources.escalation_mustache),
        "no-answer": text(PackageResources.no_answer_mustache),
        "release-created": text(PackageResources.release_created_mustache),
        "release-staged": text(PackageResources.release_staged_mustache),
        "report-received": text(PackageResources.report_received_mustache),
        "report-refused": text(PackageResources.report_refused_mustache),
        "resolved": text(PackageResources.resolved_mustache),
        "sent-in-your-name": text(PackageResources.sent_in_your_name_mustache),
        "team-accepted": text(PackageResources.team_accepted_mustache),
        "team-assigned": text(PackageResources.team_assigned_mustache),
        "team-rejected": text(PackageResources.team_rejected_mustache),
        "team-unassigned": text(PackageResources.team_unassigned_mustache),
        "testing-extended": text(PackageResources.testing_extended_mustache),
        "testing-maximum": text(PackageResources.testing_maximum_mustache),
        "testing-minimum": text(PackageResources.testing_minimum_mustache),
        "transcript": text(PackageResources.transcript_mustache),
        "volume-capped": text(PackageResources.volume_capped_mustache),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
