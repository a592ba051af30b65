import Synchronization

/// A nested transaction's savepoint (``PostgresTransaction``), and whether a statement that may write ran in it since
/// it was set or last rolled back to: while nothing was, rolling back to it undoes exactly what one method wrote.
final class SavepointMark: Sendable {
    let name: String
    private let dirty = Atomic(false)

    init(name: String) { self.name = name }

    var written: Bool {
        get { dirty.load(ordering: .relaxed) }
        set { dirty.store(newValue, ordering: .relaxed) }
    }
}
