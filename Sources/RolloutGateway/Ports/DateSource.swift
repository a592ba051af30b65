import Foundation

/// Where "now" comes from. Injected everywhere; tests pin it.
public struct DateSource: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = DateSource { Date() }
    public static func constant(_ date: Date) -> DateSource { DateSource { date } }
}
