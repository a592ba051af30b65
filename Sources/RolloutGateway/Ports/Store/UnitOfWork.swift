import Foundation
import RolloutCore

/// Durability of commits, for stores that group them.
public protocol UnitOfWork: Sendable {
    /// Makes every commit so far durable (for stores that group commits; a no-op for the others). Call it after, not
    /// inside, a transaction (``StoreTransaction/withTransaction(_:)``).
    func flush() async throws
}

extension UnitOfWork {
    public func flush() async throws {}
}
