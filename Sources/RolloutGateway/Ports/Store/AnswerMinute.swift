import Foundation

/// The minute an answer is counted in, for the per-sender limit (`answer_counts`): a driver keeps one count per
/// recipient and minute, so that a look-up reads at most 60 rows whatever was sent before.
public enum AnswerMinute {
    /// Minutes since 1970.
    public static func of(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    /// Counts older than this many minutes are forgotten.
    public static let kept = 24 * 60
}
