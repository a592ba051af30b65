import Foundation

/// What a delivery attempt makes of its outbox row: the one rule every store driver applies.
public struct DeliveryRecord: Sendable, Equatable {
    public var attempts: Int
    public var sentAt: Date?
    public var failedAt: Date?
    public var nextAttemptAt: Date
    public var lastError: String?

    /// How a row's last error marks it held by the volume caps (every driver stores the mark in `last_error`).
    public static let heldMark = "held by the volume caps"

    /// The last error of a message the caps hold, for `reason`.
    public static func held(_ reason: String) -> String { "\(heldMark): \(reason)" }

    /// The row after `outcome`; nil when the row stays as it was (a session refused or unavailable is not the
    /// message's fault: no attempt is counted). A temporary failure is retried after 1, 2, 4, … minutes (at most 4 hours) until
    /// `maxAttempts`, then given up.
    public static func after(_ outcome: DeliveryOutcome, of message: OutgoingMessage, at date: Date, maxAttempts: Int) -> DeliveryRecord? {
        let attempts = message.attempts + 1
        var record = DeliveryRecord(attempts: attempts, sentAt: nil, failedAt: nil, nextAttemptAt: message.nextAttemptAt, lastError: nil)
        switch outcome {
        case .delivered:
            record.sentAt = date
        case .partiallyDelivered(let refused):
            record.sentAt = date
            record.lastError = "refused recipients: " + refused.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        case .temporaryFailure(let reason):
            if attempts >= maxAttempts {
                record.failedAt = date
                record.lastError = "gave up after \(attempts) attempts: \(reason)"
            } else {
                record.nextAttemptAt = date.addingTimeInterval(min(60.0 * pow(2, Double(attempts - 1)), 4 * 3600))
                record.lastError = reason
            }
        case .permanentFailure(let reason):
            record.failedAt = date
            record.lastError = reason
        case .sessionRefused, .sessionUnavailable:
            return nil
        }
        return record
    }
}
