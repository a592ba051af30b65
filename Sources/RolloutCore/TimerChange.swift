import Foundation

/// A change to the set of pending timers.
public enum TimerChange: Sendable, Equatable {
    /// Sets (or moves) the timer to fire at a time.
    case schedule(TimerKey, at: Date)
    case cancel(TimerKey)

    /// The timer changed.
    public var key: TimerKey {
        switch self {
        case .schedule(let key, _), .cancel(let key): key
        }
    }
}
