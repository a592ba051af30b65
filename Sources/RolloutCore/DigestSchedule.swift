import Foundation

/// When the managers' weekly digest goes out (`workflow.digest: {day: mon, time: "09:00"}`, issue 21 #3): a weekday
/// and a time of day in the business calendar's time zone.
public struct DigestSchedule: Sendable, Equatable {
    /// `Calendar` numbering: 1 = Sunday … 7 = Saturday.
    public var weekday: Int
    public var hour: Int
    public var minute: Int

    public init(weekday: Int, hour: Int, minute: Int) {
        self.weekday = weekday
        self.hour = hour
        self.minute = minute
    }

    /// The latest scheduled moment at or before `now`: the digest due now, whose week it names. A gateway that was
    /// down at that moment sends it at its next `tick`, once.
    public func latestDue(atOrBefore now: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(hour: hour, minute: minute, weekday: weekday)
        return calendar.nextDate(
            after: now.addingTimeInterval(1), matching: components, matchingPolicy: .nextTime, direction: .backward) ?? now
    }
}
