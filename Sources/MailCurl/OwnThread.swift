import Foundation

/// libcurl's easy interface blocks the thread it runs on; the cooperative pool has one thread per core (two here),
/// so every blocking call runs on a thread of its own, named for `top` and for the logs.
enum OwnThread {
    /// Starts `body` on a new thread and returns at once.
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 1 << 21
        thread.start()
    }

    /// Runs `body` on a new thread and waits, without holding a thread of the pool, for what it returns.
    static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start(name) { continuation.resume(returning: body()) }
        }
    }
}
