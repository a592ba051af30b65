import Foundation
import RolloutCore

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again later (4xx, connection trouble).
    case temporaryFailure(String)
    /// Will not succeed (5xx); recorded and reported.
    case permanentFailure(String)
    /// Accepted for some recipients; these were refused permanently (address → the server's reply).
    case partiallyDelivered(refused: [EmailAddress: String])
    /// Not offered: the server refused the session itself (a login refused; a 5xx to the greeting, EHLO, STARTTLS
    /// or AUTH; the gateway's own address refused at MAIL FROM). The fault is the configuration's or the server's,
    /// not the message's: it stays queued as it was, no attempt counted, and `send` stops (exit 78).
    case sessionRefused(String)
    /// Not offered: the server could not be reached or put the session off (connection refused or timed out before
    /// the greeting; a 421 before the message's data; a 4xx to the greeting, EHLO, STARTTLS or AUTH, such as `454 4.7.0` when the
    /// MTA's authentication service is down). The outage is the server's, not the message's: it stays queued as it
    /// was, no attempt counted (a long outage never exhausts `outbox.max_attempts`), and `send` stops (exit 75).
    case sessionUnavailable(String)

    /// The session's failure, when the outcome is one (refused or unavailable): every later message would meet it.
    public var sessionFailure: String? {
        switch self {
        case .sessionRefused(let reason), .sessionUnavailable(let reason): reason
        default: nil
        }
    }
}
