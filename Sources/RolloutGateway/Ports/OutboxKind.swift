import RolloutCore

/// What an outbox message is: a notification of the workflow (a transcript is one), or an answer to a message that
/// named no ticket. Stored by its raw value; a stored kind this binary does not know is an error when read.
public enum OutboxKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    case notification(NotificationKind)
    /// The answer to a message that could not be applied to any ticket.
    case errorReply
    /// A manager's weekly digest (issue 21 #3).
    case weeklyDigest

    /// The kinds that answer a sender, counted for the per-sender hourly limit.
    public static let answers: [OutboxKind] = [.notification(.transcript), .errorReply]

    public init?(rawValue: String) {
        if rawValue == "error-reply" {
            self = .errorReply
        } else if rawValue == "weekly-digest" {
            self = .weeklyDigest
        } else if let kind = NotificationKind(rawValue: rawValue) {
            self = .notification(kind)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .notification(let kind): kind.rawValue
        case .errorReply: "error-reply"
        case .weeklyDigest: "weekly-digest"
        }
    }

    public var description: String { rawValue }

    /// Whether it answers a sender (a transcript or an error reply).
    public var isAnswer: Bool { Self.answers.contains(self) }
}
