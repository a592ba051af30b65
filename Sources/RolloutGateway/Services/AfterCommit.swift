import RolloutCore
import Synchronization

/// What waits for a transaction's commit (issue 19 review): the hooks its decisions run — only once the commit is
/// durable, never for a change that was undone — and the thread roots it found queued, remembered
/// (``SentThreadRoots``) only once committed. Each transaction keeps its own: a nested one's are handed to its parent
/// when it is kept (``adopt(_:)``), and dropped with it when it is undone. The owner of the outermost transaction
/// runs them once it has committed (``Gateway/committed(_:durable:)``).
public final class AfterCommit: Sendable {
    private struct Waiting: Sendable {
        var hooks: [HookRun] = []
        var roots: [String] = []
    }

    private let waiting = Mutex(Waiting())

    public init() {}

    init(hooks: [HookRun], roots: some Sequence<String>) {
        waiting.withLock {
            $0.hooks = hooks
            $0.roots = Array(roots)
        }
    }

    /// Takes over what `nested`, kept into this transaction, waits for.
    public func adopt(_ nested: AfterCommit) {
        let taken = nested.take()
        waiting.withLock {
            $0.hooks += taken.hooks
            $0.roots += taken.roots
        }
    }

    /// Hands over what waits, leaving nothing.
    func take() -> (hooks: [HookRun], roots: [String]) {
        waiting.withLock { waiting in
            defer { waiting = Waiting() }
            return (waiting.hooks, waiting.roots)
        }
    }
}
