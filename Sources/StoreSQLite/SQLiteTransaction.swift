import Foundation
import GRDB
import RolloutCore
import RolloutGateway

/// A transaction open on the store's writer (``SQLiteTicketStore/withTransaction(_:)``), or a savepoint of one
/// when nested: its reads and writes run in it, on the calling thread, each write in a savepoint of its own (an
/// operation that throws leaves nothing, the transaction goes on). Usable only while its body runs (``TransactionUse``);
/// its savepoints are named once each per transaction (``SavepointNames``).
public final class SQLiteTransaction: SQLiteScope {
    public let store: SQLiteTicketStore
    /// How deeply it is nested: 0 for the transaction itself, 1 for a savepoint in it, …
    let depth: Int
    /// The savepoint names of the whole transaction, this one's and its nested ones'.
    let savepoints: SavepointNames
    private let use = TransactionUse()

    init(store: SQLiteTicketStore, depth: Int, savepoints: SavepointNames = SavepointNames()) {
        self.store = store
        self.depth = depth
        self.savepoints = savepoints
    }

    /// Ends its use: its body returned or threw.
    func close() {
        use.end()
    }

    public func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try run { db in
            var result: T?
            try db.inSavepoint {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    public func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try run(body)
    }

    /// A savepoint: what `body` writes is undone alone when it throws.
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        let name = savepoints.next()
        try run { db in try db.execute(sql: "SAVEPOINT \(name)") }
        let nested = SQLiteTransaction(store: store, depth: depth + 1, savepoints: savepoints)
        do {
            let result = try await body(nested)
            nested.close()
            try run { db in try db.execute(sql: "RELEASE SAVEPOINT \(name)") }
            return result
        } catch {
            nested.close()
            try? run { db in
                try db.execute(sql: "ROLLBACK TO SAVEPOINT \(name)")
                try db.execute(sql: "RELEASE SAVEPOINT \(name)")
            }
            store.cases.removeAll()  // some were read, or written, within the savepoint
            throw error
        }
    }

    private func run<T>(_ body: (Database) throws -> T) throws -> T {
        try use.check(store.path)
        do {
            return try store.inTransaction(body)
        } catch { throw SQLiteTicketStore.translate(error) }
    }
}
