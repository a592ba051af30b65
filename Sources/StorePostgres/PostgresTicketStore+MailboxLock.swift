import PostgresNIO
import RolloutGateway

/// `run` cycles serialised per mailbox across instances: a session-level advisory lock, held on a connection of
/// its own while the cycle runs, and released by the server when that session ends (a crashed instance included).
extension PostgresTicketStore: MailboxLock {
    public func whileHolding<T: Sendable>(mailbox: String, _ body: () async throws -> T) async throws -> T? {
        try await connection { connection -> T? in
            let key = "rollout-gateway mailbox \(mailbox)"
            let taken: Bool = try await connection.rows("SELECT pg_try_advisory_lock(hashtextextended(\(key), 0)) AS taken")[0].get("taken")
            guard taken else { return nil }
            do {
                let result = try await body()
                try await connection.execute("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))")
                return result
            } catch {
                _ = try? await connection.execute("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))")
                throw error
            }
        }
    }
}
