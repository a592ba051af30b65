import Synchronization

/// When a process forgets old answer counts (`DELETE FROM answer_counts WHERE minute < limit`): only when the limit
/// has moved past the last one it used, once a minute at most instead of once per answer. A pruning undone with its
/// transaction is made again when the limit next moves; rows kept longer are never counted (the count reads the last
/// hour alone), so only the table's size depends on it.
final class AnswerCountPruning: Sendable {
    private let last = Atomic(Int.min)

    /// Whether counts below `limit` are to be forgotten now: true once for each limit beyond the last.
    func moves(to limit: Int) -> Bool {
        last.max(limit, ordering: .relaxed).oldValue < limit
    }
}
