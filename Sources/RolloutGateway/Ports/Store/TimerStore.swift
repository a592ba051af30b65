import Foundation
import RolloutCore

/// The timers of the workflow (answer deadlines, escalations, testing reminders).
public protocol TimerStore: Sendable {
    /// Timers due at or before `now`, oldest first.
    func dueTimers(at now: Date) async throws -> [DueTimer]
    /// Whether any timer is due at or before `now`, read from the due index without claiming anything (PostgreSQL:
    /// one another instance has claimed counts too): a `tick` with nothing due stops there (issue 24).
    func anyTimerDue(at now: Date) async throws -> Bool
    /// Marks a timer fired without any change (its ticket is gone or closed).
    func markFired(_ key: TimerKey, at: Date) async throws
}
