import Foundation
import RolloutCore

/// Set-aside messages, kept for the operator (`rollout-gateway set-aside`).
public protocol SetAsideStore: Sendable {
    /// Keeps a set-aside message; while all kept exceed `limit` bytes the oldest are dropped (never the one just
    /// kept). Returns those dropped (without bytes). One message (its key) is kept once.
    func keepSetAside(_ message: SetAsideMessage, limit: Int) async throws -> [SetAsideMessage]
    /// The set-aside messages, oldest first, without their bytes.
    func setAsideMessages() async throws -> [SetAsideMessage]
    /// One set-aside message with its bytes.
    func setAsideMessage(_ id: Int64) async throws -> SetAsideMessage?
    /// Removes a set-aside message; `forgettingSeen` also forgets that it was seen, so that it can be ingested again
    /// (a replay, in the same batch). Returns whether it was there.
    func dropSetAside(_ id: Int64, forgettingSeen: Bool) async throws -> Bool
}
