import Foundation
import RolloutCore

/// The timers of the workflow (answer deadlines, escalations, testing reminders).
public protocol TimerStore: Sendable {
    /// Timers due at or before `now`, oldest first.
    func dueTimers(at now: Date) async throws -> [DueTimer]
    /// Marks a timer fired without any change (its ticket is gone or closed).
    func markFired(_ key: TimerKey, at: Date) async throws
}
