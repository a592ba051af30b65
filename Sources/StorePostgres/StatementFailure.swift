import Synchronization

/// A statement the server refused inside a transaction (``PostgresTransaction``). PostgreSQL then aborts the innermost
/// open savepoint (or the transaction) until a `ROLLBACK TO` undoes it; a body that caught the error and returned
/// would otherwise have its savepoint kept (savepoints are not released, so nothing else would fail) and the final
/// COMMIT quietly roll back. Recorded by every statement, cleared by a rollback to a savepoint, checked when a body
/// returns.
final class StatementFailure: Sendable {
    private let refused = Mutex<(any Error)?>(nil)

    func record(_ error: any Error) {
        refused.withLock { if $0 == nil { $0 = error } }
    }

    func clear() {
        refused.withLock { $0 = nil }
    }

    /// Throws the refused statement's error while no rollback has undone it.
    func check() throws {
        if let error = refused.withLock({ $0 }) { throw error }
    }
}
