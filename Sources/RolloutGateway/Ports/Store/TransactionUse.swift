import Synchronization

/// Whether a transaction's body still runs: a transaction kept past its body (`let kept = tx` inside
/// `withTransaction`) and used after it returned must fail, never write outside any transaction or into another.
public final class TransactionUse: Sendable {
    private let open = Atomic(true)

    public init() {}

    /// Its body returned or threw.
    public func end() {
        open.store(false, ordering: .sequentiallyConsistent)
    }

    /// Throws when the body has ended; `place` names the store in the error.
    public func check(_ place: String) throws {
        guard open.load(ordering: .sequentiallyConsistent) else {
            throw StoreError.unavailable("\(place): a transaction was used after its body ended")
        }
    }
}
