import Foundation

/// A calendar day, independent of time zone (`2026-12-25`).
public struct CalendarDay: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// Business time (SPEC §6): a time zone, working hours, working weekdays and holidays.
///
/// One working day is the length of one day's working hours, counted only inside working hours.
/// Wall-clock arithmetic goes through `Calendar`, so daylight-saving changes keep 09:00 at 09:00.
public struct BusinessCalendar: Sendable, Equatable {
    public var timeZone: TimeZone {
        didSet { calendar.timeZone = timeZone }
    }
    /// Minutes after midnight at which work starts and ends.
    public var workStart: Int
    public var workEnd: Int
    /// Working weekdays in `Calendar` numbering (1 = Sunday … 7 = Saturday).
    public var workingWeekdays: Set<Int>
    public var holidays: Set<CalendarDay>

    public init(
        timeZone: TimeZone = TimeZone(identifier: "Europe/Amsterdam")!, workStart: Int = 9 * 60,
        workEnd: Int = 17 * 60, workingWeekdays: Set<Int> = [2, 3, 4, 5, 6], holidays: Set<CalendarDay> = []
    ) {
        precondition(workStart < workEnd, "working hours must start before they end")
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        self.workStart = workStart
        self.workEnd = workEnd
        self.workingWeekdays = workingWeekdays
        self.holidays = holidays
    }

    /// Gregorian, in ``timeZone``; kept rather than made on every use (making one is not cheap).
    private var calendar: Calendar

    /// Minutes of work in one working day.
    public var workdayMinutes: Int { workEnd - workStart }

    /// The calendar day `date` falls on in this calendar's zone.
    public func day(of date: Date) -> CalendarDay {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Whether people work on that day.
    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        guard let date = at(day, minutes: 12 * 60) else { return false }
        return workingWeekdays.contains(calendar.component(.weekday, from: date)) && !holidays.contains(day)
    }

    /// The instant of a wall-clock time on a day in this zone.
    func at(_ day: CalendarDay, minutes: Int) -> Date? {
        calendar.date(
            from: DateComponents(
                timeZone: timeZone, year: day.year, month: day.month, day: day.day, hour: minutes / 60,
                minute: minutes % 60))
    }

    func next(_ day: CalendarDay) -> CalendarDay {
        let noon = at(day, minutes: 12 * 60)!
        return self.day(of: calendar.date(byAdding: .day, value: 1, to: noon)!)
    }

    /// Adds `days` working days of business time to `date`.
    ///
    /// Friday 15:00 + 1 = Monday 15:00; any time on Saturday + 1 = Monday 17:00; holidays are skipped.
    public func adding(workingDays days: Int, to date: Date) -> Date {
        adding(workingMinutes: days * workdayMinutes, to: date)
    }

    /// Adds business minutes to `date`, counting only working hours of working days.
    public func adding(workingMinutes minutes: Int, to date: Date) -> Date {
        var remaining = Double(minutes) * 60
        var cursor = date
        var day = self.day(of: date)
        // A year of days is far more than any deadline needs; it bounds a calendar with no working days.
        for _ in 0..<(366 * 5) {
            if isWorkingDay(day), let open = at(day, minutes: workStart), let close = at(day, minutes: workEnd) {
                let start = max(cursor, open)
                if start < close {
                    let available = close.timeIntervalSince(start)
                    if remaining <= available { return start.addingTimeInterval(remaining) }
                    remaining -= available
                }
            }
            day = next(day)
            cursor = at(day, minutes: 0) ?? cursor
        }
        return cursor
    }

    /// Adds calendar days, keeping the wall-clock time across daylight-saving changes.
    public func adding(calendarDays days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(Double(days) * 86_400)
    }

    /// `2026-11-30 15:00 CET`: how a deadline reads for people in this calendar's zone.
    public func describe(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let offset = timeZone.secondsFromGMT(for: date) / 60
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(c.weekday ?? 1) - 1]
        let zone = "\(offset < 0 ? "-" : "+")\(zeroPadded(abs(offset) / 60, width: 2)):\(zeroPadded(abs(offset) % 60, width: 2))"
        let day = CalendarDay(year: c.year!, month: c.month!, day: c.day!)
        return "\(weekday) \(day) \(zeroPadded(c.hour!, width: 2)):\(zeroPadded(c.minute!, width: 2)) \(zone) (\(timeZone.identifier))"
    }
}
