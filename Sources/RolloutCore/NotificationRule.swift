

/// One routing rule, as RT's scrips: when this kind of event happens, mail these roles with this template.
public struct NotificationRule: Sendable, Equatable {
    public var kind: NotificationKind
    public var recipients: [RecipientRole]
    public var template: String

    public init(kind: NotificationKind, recipients: [RecipientRole], template: String? = nil) {
        self.kind = kind
        self.recipients = recipients
        self.template = template ?? kind.template.rawValue
    }
}
