import Foundation

/// One holder at a time, in the order they came: what a store driver uses to keep its other writes out while one
/// of its transactions is open (``StoreTransaction/withTransaction(_:)``), so that the transaction's changes are
/// kept whole and nothing else written meanwhile is lost or caught in it.
///
/// Not reentrant: a body that passes the same gate again waits for itself. Within a transaction, use the
/// transaction, never the store it came from.
public actor TransactionGate {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Runs `body` once every holder before it has left.
    public nonisolated func passing<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            await leave()
            return result
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
