import Synchronization

/// The thread roots this process found in the outbox (issue 20 #8): a root, once queued, stays (the outbox keeps every
/// Message-ID), so a decision asks the store only about roots it has not found yet — none, once the people of a busy
/// ticket have had their first mail, which keeps a round trip (PostgreSQL) out of the window between load and commit.
final class SentThreadRoots: Sendable {
    /// The most roots remembered; past it the memory starts again (the store still answers).
    static let limit = 100_000

    private let known = Mutex(Set<String>())

    /// Those of `roots` not known to be queued.
    func unknown(among roots: [String]) -> [String] {
        known.withLock { known in roots.filter { !known.contains($0) } }
    }

    /// Remembers roots the store found in its outbox.
    func remember<S: Sequence<String>>(_ roots: S) {
        known.withLock { known in
            if known.count > Self.limit { known.removeAll() }
            known.formUnion(roots)
        }
    }
}
