import RolloutGateway
import Synchronization

/// Where a store's pool is in its one run (``PostgresTicketStore/withRunning(_:)``): not yet, running, or over.
/// Its connections are served only while it runs: a use before or after is refused at once, not left waiting for a
/// connection that no one will make.
final class PoolRun: Sendable {
    private enum Phase { case notStarted, running, ended }
    private let phase = Mutex(Phase.notStarted)

    /// Marks the run begun; a second run of the same pool is refused (postgres-nio's client runs once).
    func start(_ location: String) throws {
        try phase.withLock { phase in
            guard phase == .notStarted else {
                throw StoreError.unavailable("\(location): this store's connections were run once already; open the store again")
            }
            phase = .running
        }
    }

    func end() {
        phase.withLock { $0 = .ended }
    }

    /// Refuses a use of the pool while it does not run.
    func check(_ location: String) throws {
        switch phase.withLock({ $0 }) {
        case .running: return
        case .notStarted:
            throw StoreError.unavailable("\(location): the store is used before its connections run (PostgresTicketStore.withRunning)")
        case .ended:
            throw StoreError.unavailable("\(location): the store's connections were closed when its work ended")
        }
    }
}
