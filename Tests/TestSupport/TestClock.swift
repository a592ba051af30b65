import Foundation
import RolloutGateway

/// A mutable clock for tests.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }

    public var source: DateSource { DateSource { [unowned self] in self.now } }
}
