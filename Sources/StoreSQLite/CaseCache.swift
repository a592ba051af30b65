import Foundation
import Synchronization
import GRDB
import RolloutCore
import RolloutGateway

/// Cases as last loaded, by the ticket asked for, reused while their tickets' row versions are unchanged.
///
/// Every change to a case (its ticket rows, teams, GGUS links) bumps the row version of a ticket row: that is what
/// ``SQLiteTicketStore/commit(_:)`` checks against concurrent writers, and it makes a version check enough to know
/// that a case read before is still what the store holds. Only states read from the store are kept (never one
/// built in memory), so a case from the cache is the one a load would return.
final class CaseCache: Sendable {
    private let cases = Mutex<[TicketID: StoredCase]>([:])

    /// The case of `ticket`: the kept one when its versions are current, else loaded (and kept).
    func load(_ ticket: TicketID, _ db: Database) throws -> StoredCase? {
        if let kept = cases.withLock({ $0[ticket] }), try Self.isCurrent(kept, db) { return kept }
        let loaded = try SQLiteTicketStore.load(ticket, db)
        cases.withLock { $0[ticket] = loaded }
        return loaded
    }

    /// Forgets every case: after a transaction that read uncommitted states was rolled back.
    func removeAll() {
        cases.withLock { $0.removeAll() }
    }

    private static func isCurrent(_ stored: StoredCase, _ db: Database) throws -> Bool {
        let rolloutCase = stored.rolloutCase
        guard try SQLiteTicketStore.rowVersion(of: rolloutCase.release.id, db) == stored.releaseVersion else { return false }
        guard let rollout = rolloutCase.rollout else { return true }
        return try SQLiteTicketStore.rowVersion(of: rollout.id, db) == stored.rolloutVersion
    }
}
