import Foundation
import RolloutCore

/// Runs the configured external commands (repository moves).
public protocol HookRunner: Sendable {
    /// Runs a hook; throws when it fails so that nothing is committed.
    func run(_ hook: HookRun) async throws
}
