import Foundation

/// Several pieces of work in one store transaction, each in a transaction nested in it (issues 19 and 24): one commit
/// — one sync — for the group, while each piece stays all or nothing on its own. A piece that fails leaves nothing and
/// the others are kept; a failure that `stops` (a busy store, a conflict) ends the group there: what came before it is
/// kept, the pieces after it are not tried. The ingest loop applies its messages this way, and `tick` its due timers.
public enum TransactionGroup {
    /// What the group did: one result per piece tried, in order.
    public struct Applied<Outcome: Sendable>: Sendable {
        public var results: [Result<Outcome, any Error>] = []
        /// The failure that ended the group early; its piece and the ones after it have no result.
        public var stop: (any Error)?
    }

    /// Runs `body` for each of `items` in a transaction nested in one of `store`, which is committed when the last has
    /// run (or the group stopped). What a kept piece leaves waiting for the commit is adopted by `afterCommit`.
    public static func apply<Item, Outcome: Sendable>(
        _ items: [Item], on store: any StoreTransaction, collecting afterCommit: AfterCommit,
        stoppingAt stops: (any Error) -> Bool,
        _ body: (Item, any StoreTransaction, AfterCommit) async throws -> Outcome
    ) async throws -> Applied<Outcome> {
        try await store.withTransaction { group in
            var applied = Applied<Outcome>()
            for item in items {
                let nested = AfterCommit()
                do {
                    let outcome = try await StageTimes.measureWall("group.piece") {
                        try await group.withTransaction { piece in try await body(item, piece, nested) }
                    }
                    applied.results.append(.success(outcome))
                    afterCommit.adopt(nested)
                } catch where stops(error) {
                    applied.stop = error
                    return applied
                } catch {
                    applied.results.append(.failure(error))
                }
            }
            return applied
        }
    }
}
