import Foundation
import RolloutCore
import RolloutGateway
import Synchronization

/// A store that keeps everything in memory, for tests that do not care about SQL and for `explain --no-store`
/// (as Hummingbird ships `MemoryPersistDriver` beside its real drivers). Same semantics as the SQLite driver:
/// row versions checked on commit, each message and each timer firing once, a commit all or nothing, a
/// transaction all or nothing (a nested one undone alone). Nothing survives the process.
public final class MemoryTicketStore: TicketStore, MemoryScope {
    private let state = Mutex(MemoryState())
    /// Failed deliveries are retried until this many attempts, then recorded as failed.
    public let maxDeliveryAttempts: Int
    /// Keeps other writes out while a transaction works on its copy, so that keeping the copy loses none of them.
    private let gate = TransactionGate()

    public init(maxDeliveryAttempts: Int = 10) {
        self.maxDeliveryAttempts = maxDeliveryAttempts
    }

    public func read<T>(_ body: (MemoryState) throws -> T) rethrows -> T {
        try state.withLock { try body($0) }
    }

    /// Once no transaction is open: on a copy of the state, kept only when `body` returns.
    public func write<T>(_ body: (inout MemoryState) throws -> T) async throws -> T {
        try await gate.passing { try MemoryState.change(state, body) }
    }

    // MARK: Transactions

    /// Runs `body` on a private copy of the state (``MemoryTransaction``), which becomes the store's state when it
    /// returns. No other write lands meanwhile (they wait at ``gate``), so keeping the copy loses nothing; reads
    /// meanwhile see the state before it.
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await gate.passing {
            let transaction = MemoryTransaction(read { $0 }, maxDeliveryAttempts: maxDeliveryAttempts)
            defer { transaction.close() }
            let result = try await body(transaction)
            let kept = transaction.read { $0 }
            state.withLock { $0 = kept }
            return result
        }
    }
}
