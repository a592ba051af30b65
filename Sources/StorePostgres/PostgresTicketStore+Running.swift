import PostgresNIO
import RolloutGateway

extension PostgresTicketStore {
    /// Runs `body` while the store's connections are served: postgres-nio's `PostgresClient.run()` is a child task of a
    /// task group around `body`, cancelled when `body` ends, which closes the connections. A store runs once: after
    /// this returns, every use of it is refused as ``StoreError/unavailable(_:)``.
    public func withRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let run = try runner()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// What serves the store's connections (postgres-nio's `PostgresClient.run()`), for a task group of the caller's
    /// that runs it as a child task beside the work and cancels it when the work ends, which closes the connections
    /// (as ``withRunning(_:)`` does). The store counts as running from now: a use before the child task starts waits
    /// for it. A store runs once.
    public func runner() throws -> @Sendable () async -> Void {
        try running.start(location)
        let (client, running) = (client, running)
        return {
            await client.run()
            running.end()
        }
    }
}
