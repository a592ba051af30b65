import Foundation
import RolloutCore

/// What the store recorded of one message seen: its ticket, sender and what became of it, read back strictly (a
/// disposition this binary does not know is a ``StoreError/unknownValue(table:column:value:)``).
public protocol SeenMessageReader: Sendable {
    /// The message recorded under `key` (its own key or one of its replay keys, each a row of its own), or nil.
    func seenMessage(_ key: String) async throws -> SeenMessage?
}
