import Foundation
import RolloutCore

/// A pending timer.
public struct DueTimer: Sendable, Equatable {
    public var key: TimerKey
    public var dueAt: Date

    public init(key: TimerKey, dueAt: Date) {
        self.key = key
        self.dueAt = dueAt
    }
}
