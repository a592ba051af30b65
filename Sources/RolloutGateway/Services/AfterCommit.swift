import RolloutCore
import Synchronization

/// What waits for a transaction's commit (issue 19 review): the thread roots its decisions found queued, remembered
/// (``SentThreadRoots``) only once committed — a root read inside a transaction that is then undone was never sent.
/// Each transaction keeps its own: a nested one's are handed to its parent when it is kept (``adopt(_:)``), and dropped
/// with it when it is undone. The owner of the outermost transaction hands them over once it has committed
/// (``Gateway/committed(_:)``).
///
/// Hooks do not wait here: they run before their event commits (``Gateway``), so that a hook that fails leaves the
/// event unapplied, to be tried again with the hook (at least once; the hooks are written to be run again).
public final class AfterCommit: Sendable {
    private let roots = Mutex<[String]>([])

    public init() {}

    init(roots: some Sequence<String>) {
        self.roots.withLock { $0 = Array(roots) }
    }

    /// Takes over what `nested`, kept into this transaction, waits for.
    public func adopt(_ nested: AfterCommit) {
        let taken = nested.take()
        roots.withLock { $0 += taken }
    }

    /// Hands over what waits, leaving nothing.
    func take() -> [String] {
        roots.withLock { roots in
            defer { roots = [] }
            return roots
        }
    }
}
