import Foundation
import RolloutCore

/// Grouping of commits: batches and durability.
public protocol UnitOfWork: Sendable {
    /// Makes every commit so far durable (for stores that group commits; a no-op for the others).
    func flush() async throws
    /// Runs `body` as one batch: each commit stays atomic, but a store may make them all in one transaction
    /// (visible to others when the batch ends) instead of one each. When `body` throws, the batch may be kept in
    /// part or not at all, so its events are to be retried (a retried message finds whether it was recorded).
    /// Call ``flush()`` after, not inside, a batch.
    func batch<T: Sendable>(_ body: () async throws -> T) async throws -> T
    /// Whether a commit made now may carry outbox messages still being written (``OutgoingMessage/composing``):
    /// the store then keeps the bytes once written, in the same transaction (true within a batch that does so).
    var takesComposingMessages: Bool { get }
}

extension UnitOfWork {
    public func batch<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await body()
    }

    public var takesComposingMessages: Bool { false }

    public func flush() async throws {}

    /// Applies `items` in order within one ``batch(_:)``. An error that `isTemporary` says will pass (a busy store)
    /// stops the batch: what was applied before it is committed, and the error comes back with those results;
    /// any other error ends the batch as ``batch(_:)`` does.
    public func applyInBatch<Item, Result: Sendable>(
        _ items: [Item], stoppingAt isTemporary: (any Error) -> Bool, _ apply: (Item) async throws -> Result
    ) async throws -> (results: [Result], stop: (any Error)?) {
        try await batch { () async throws -> ([Result], (any Error)?) in
            var results: [Result] = []
            for item in items {
                do {
                    results.append(try await apply(item))
                } catch where isTemporary(error) {
                    return (results, error)
                }
            }
            return (results, nil)
        }
    }
}
