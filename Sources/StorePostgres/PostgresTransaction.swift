import Foundation
import PostgresNIO
import RolloutCore
import RolloutGateway

/// One PostgreSQL transaction on one connection of the pool (``PostgresTicketStore/withTransaction(_:)``): every read
/// and write of the ports runs on that connection, so each sees what the transaction wrote, and the database keeps
/// all of it at COMMIT or none of it.
///
/// A transaction nested in it (``withTransaction(_:)``) is a savepoint: `SAVEPOINT sN` before its body (N counted per
/// transaction, never reused: ``SavepointNames``), `RELEASE` when the body returns, `ROLLBACK TO` when it throws, which
/// undoes the inner's writes only (a statement error inside it too: PostgreSQL then aborts up to the savepoint, and the
/// outer transaction goes on). Usable only while its body runs (``TransactionUse``).
///
/// Each method is atomic within the transaction: one that refuses by its own rule after writing (a conflict, a
/// message or timer already recorded) leaves nothing of itself behind, so that its caller can decide again and retry
/// in the same transaction. It needs no savepoint of its own when nothing was written since this transaction's
/// savepoint was set (``SavepointMark``): rolling back to that one undoes exactly its writes. So a message's
/// transaction that reads and then commits its decision costs one savepoint, not two.
///
/// A savepoint whose body returned is not released: its writes belong to the enclosing transaction either way
/// (PostgreSQL keeps or undoes them with it, and a later `ROLLBACK TO` an inner savepoint leaves them), and the
/// `RELEASE` would be one more round trip per message.
public struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    /// The store whose transaction this is: its settings, and its error messages.
    let store: PostgresTicketStore
    /// Savepoints open around this transaction's body (0: the transaction itself).
    let depth: Int
    /// Whether this transaction was begun for one method of the store alone: its methods need no savepoint of their
    /// own, the whole transaction being undone when they throw.
    let singleCall: Bool
    /// The savepoint names of the whole transaction, this one's and its nested ones'.
    let savepoints: SavepointNames
    /// Ended when its body returns or throws.
    let use = TransactionUse()
    /// This transaction's savepoint, and whether anything was written since it was set (nil at depth 0).
    let mark: SavepointMark?
    /// A statement of the whole transaction that the server refused, until a savepoint undoes it (``StatementFailure``).
    let failure: StatementFailure

    var clock: DateSource { store.clock }
    var claimSeconds: Int { store.claimSeconds }
    var maxDeliveryAttempts: Int { store.maxDeliveryAttempts }

    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await savepoint { try await body($0) }
    }

    /// Runs `body` in a savepoint of this transaction: its writes undone, and only those, when it throws.
    func savepoint<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        let mark = SavepointMark(name: savepoints.next())
        let inner = PostgresTransaction(
            connection: connection, store: store, depth: depth + 1, singleCall: false, savepoints: savepoints, mark: mark, failure: failure)
        // What the inner transaction writes is written in this one.
        try await run { try await $0.execute(PostgresQuery(unsafeSQL: "SAVEPOINT \(mark.name)")) }
        do {
            defer { inner.use.end() }
            let result = try await body(inner)
            // A body that went on after the server refused one of its statements: it is undone as one that threw.
            try failure.check()
            return result
        } catch {
            // An error whose undoing fails too (the connection lost) is that one: the whole transaction is gone.
            try await rollBack(to: mark)
            throw error
        }
    }

    /// Undoes everything written since the savepoint of `mark` (this transaction's, or one nested in it), which stays set.
    private func rollBack(to mark: SavepointMark) async throws {
        try await read { try await $0.execute(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(mark.name)")) }
        mark.written = false
        failure.clear()
    }

    /// Runs `body` on the connection, its database errors read as the store's (``PostgresTicketStore/translate(_:)``):
    /// statements that may write.
    func run<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        mark?.written = true
        return try await read(body)
    }

    /// Runs statements that only read (``run(_:)`` for any that may write).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try use.check(store.location)
        do {
            return try await body(connection)
        } catch {
            let translated = store.translate(error)
            if error is PSQLError { failure.record(translated) }
            throw translated
        }
    }

    /// Runs the statements of one method that may refuse after writing: in a savepoint, unless this transaction is that
    /// method's alone, or nothing was written since this transaction's own savepoint (then that one undoes them).
    func atomically<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        if singleCall { return try await run(body) }
        guard let mark, !mark.written else { return try await savepoint { try await $0.run(body) } }
        do {
            return try await run(body)
        } catch {
            try await rollBack(to: mark)
            throw error
        }
    }
}
