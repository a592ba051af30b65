import Foundation

/// Whether a command mail is fresh enough to carry commands that need a strong sender (SPEC §5 "Each message once").
///
/// A genuine mail sent again later — under a new Message-ID, or replayed after the manager changed his mind — must
/// not act again: a mail written more than `maxAge` before it reached our MTA, or before a command of the same
/// sender that was applied strongly on the ticket, is stale. Its other commands still apply.
public struct MessageFreshness: Sendable, Equatable {
    /// How old a mail may be when it arrives (`inbound.max_age`, default 3 days).
    public var maxAge: TimeInterval
    /// How far a `Date:` may stand after the arrival before it is disbelieved (a forged future date must not make
    /// later genuine mail stale).
    public static let futureAllowance: TimeInterval = 3600

    public init(maxAge: TimeInterval) { self.maxAge = maxAge }

    /// The time a mail counts as written: its `Date:`, unless missing or more than an hour after the arrival, then
    /// the arrival.
    public func written(_ date: Date?, arrival: Date) -> Date {
        guard let date, date <= arrival.addingTimeInterval(Self.futureAllowance) else { return arrival }
        return date
    }

    /// Why the mail is stale, or nil when it is fresh.
    ///
    /// - Parameters:
    ///   - date: the mail's `Date:`.
    ///   - arrival: when our MTA took it (the boundary `Received:`), or when the gateway first read it.
    ///   - lastStrongCommand: when the sender's latest command applied strongly on the ticket was written.
    ///   - describe: a time in words, in the operator's calendar.
    public func staleReason(
        date: Date?, arrival: Date, lastStrongCommand: Date?, describe: (Date) -> String
    ) -> String? {
        let written = written(date, arrival: arrival)
        if arrival.timeIntervalSince(written) > maxAge {
            return "the mail was written \(describe(written)), more than \(Self.days(maxAge)) before it arrived"
        }
        if let last = lastStrongCommand, written < last {
            return "the mail was written \(describe(written)), before your later command on this ticket (written \(describe(last)))"
        }
        return nil
    }

    /// When the latest command of `sender` applied strongly on a ticket was written, from its history.
    public static func lastStrongCommand(of sender: EmailAddress, in history: [HistoryEntry]) -> Date? {
        history.lazy.filter { $0.actor == sender && $0.authentication == .strong }.compactMap(\.writtenAt).max()
    }

    static func days(_ interval: TimeInterval) -> String {
        let hours = Int((interval / 3600).rounded())
        if hours % 24 == 0 { return hours == 24 ? "1 day" : "\(hours / 24) days" }
        return hours == 1 ? "1 hour" : "\(hours) hours"
    }
}
