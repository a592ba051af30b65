import Foundation
import RolloutCore
import RolloutGateway
import Synchronization

/// A transaction of a ``MemoryTicketStore``: a private copy of its state, which nothing else sees until the store
/// keeps it (``MemoryTicketStore/withTransaction(_:)``); nested, a copy of this one's, kept into it when its body
/// returns. Usable only while its body runs (``TransactionUse``).
public final class MemoryTransaction: MemoryScope {
    private let state: Mutex<MemoryState>
    private let use = TransactionUse()
    public let maxDeliveryAttempts: Int

    init(_ state: MemoryState, maxDeliveryAttempts: Int) {
        self.state = Mutex(state)
        self.maxDeliveryAttempts = maxDeliveryAttempts
    }

    /// Ends its use: its body returned or threw.
    func close() {
        use.end()
    }

    public func read<T>(_ body: (MemoryState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    public func write<T>(_ body: (inout MemoryState) throws -> T) async throws -> T {
        try use.check("memory store")
        return try MemoryState.change(state, body)
    }

    /// On a copy of this transaction's state, kept into it only when `body` returns.
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let nested = MemoryTransaction(read { $0 }, maxDeliveryAttempts: maxDeliveryAttempts)
        defer { nested.close() }
        let result = try await body(nested)
        let kept = nested.read { $0 }
        try await write { $0 = kept }
        return result
    }
}
