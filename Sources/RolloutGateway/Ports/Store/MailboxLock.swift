/// Serialises the reading of one server mailbox across gateway instances that share a store: two `run` cycles
/// never fetch the same mailbox at once, wherever they run. Timers and the outbox need no such lock (their rows
/// are claimed one by one).
public protocol MailboxLock: Sendable {
    /// Runs `body` while holding the lock of `mailbox`; returns nil at once, without running `body`, when another
    /// instance holds it.
    func whileHolding<T: Sendable>(mailbox: String, _ body: () async throws -> T) async throws -> T?
}
