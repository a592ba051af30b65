import Synchronization

/// The names of one transaction's savepoints, each used once (`s1`, `s2`, …): a nested transaction rolls back to its
/// own savepoint even when another of the same depth was opened before it, or beside it. Shared by a transaction and
/// every transaction nested in it.
public final class SavepointNames: Sendable {
    private let last = Atomic(0)

    public init() {}

    /// A name no savepoint of this transaction had before.
    public func next() -> String {
        "s\(last.add(1, ordering: .relaxed).newValue)"
    }
}
