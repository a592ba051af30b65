import Foundation
import RolloutCore
import Testing

@Suite("Business calendar (SPEC §6)")
struct BusinessCalendarTests {
    let calendar = BusinessCalendar(
        timeZone: World.amsterdam, holidays: [CalendarDay("2026-12-25")!, CalendarDay("2026-12-28")!])

    @Test(
        "adding one working day",
        arguments: [
            ("2026-11-27 15:00", "2026-11-30 15:00"),  // Friday afternoon → Monday, same hour
            ("2026-11-28 11:00", "2026-11-30 17:00"),  // Saturday → end of Monday
            ("2026-11-29 23:59", "2026-11-30 17:00"),  // Sunday night → end of Monday
            ("2026-11-30 07:30", "2026-11-30 17:00"),  // before opening → end of the same day
            ("2026-11-30 09:00", "2026-11-30 17:00"),  // at opening → end of the same day
            ("2026-11-30 18:00", "2026-12-01 17:00"),  // after closing → end of the next day
            ("2026-12-01 12:15", "2026-12-02 12:15"),  // an ordinary weekday
            ("2026-12-24 16:00", "2026-12-29 16:00"),  // one hour on the 24th; Christmas, the weekend and the Monday holiday skipped
        ])
    func oneWorkingDay(from: String, expected: String) {
        #expect(calendar.adding(workingDays: 1, to: World.at(from)) == World.at(expected))
    }

    @Test("several working days skip weekends")
    func severalWorkingDays() {
        #expect(calendar.adding(workingDays: 3, to: World.at("2026-11-26 10:00")) == World.at("2026-12-01 10:00"))
    }

    @Test("a working day across the spring DST change keeps the wall-clock hour")
    func springForward() {
        // Summer time starts on Sunday 2027-03-28 in Europe/Amsterdam.
        let deadline = calendar.adding(workingDays: 1, to: World.at("2027-03-26 15:00"))
        #expect(deadline == World.at("2027-03-29 15:00"))
        #expect(deadline.timeIntervalSince(World.at("2027-03-26 15:00")) == 3 * 86_400 - 3600)
    }

    @Test("a working day across the autumn DST change keeps the wall-clock hour")
    func fallBack() {
        // Winter time starts on Sunday 2026-10-25.
        let deadline = calendar.adding(workingDays: 1, to: World.at("2026-10-23 10:00"))
        #expect(deadline == World.at("2026-10-26 10:00"))
        #expect(deadline.timeIntervalSince(World.at("2026-10-23 10:00")) == 3 * 86_400 + 3600)
    }

    @Test("calendar days keep the wall-clock time across DST")
    func calendarDays() {
        #expect(calendar.adding(calendarDays: 5, to: World.at("2027-03-25 14:00")) == World.at("2027-03-30 14:00"))
    }

    @Test("working hours and weekdays are configurable")
    func configurable() {
        // A site working Sunday to Thursday, 08:00–16:00 in Jerusalem.
        let other = BusinessCalendar(
            timeZone: TimeZone(identifier: "Asia/Jerusalem")!, workStart: 8 * 60, workEnd: 16 * 60,
            workingWeekdays: [1, 2, 3, 4, 5])
        let thursday = World.at("2026-11-26 14:00")  // 15:00 in Jerusalem
        let expected = World.at("2026-11-29 14:00")  // Sunday 15:00 in Jerusalem
        #expect(other.adding(workingDays: 1, to: thursday) == expected)
    }

    @Test("deadlines read with date, time and zone")
    func describes() {
        #expect(calendar.describe(World.at("2026-11-30 15:00")) == "Mon 2026-11-30 15:00 +01:00 (Europe/Amsterdam)")
    }

    @Test("digits, zone offsets behind and ahead of UTC and half hours are padded as printf pads them")
    func describesPadded() {
        // The zones cover negative offsets, offsets with minutes and one of 14 hours; the dates early hours, early
        // days and months, and a year before 1000.
        let zones = ["America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati", "UTC", "America/Los_Angeles"]
        let dates = [Date(timeIntervalSince1970: 0), World.at("2026-01-02 03:04"), World.at("2026-12-31 23:59"),
                     Date(timeIntervalSince1970: -60_000_000_000)]
        for zone in zones {
            let other = BusinessCalendar(timeZone: TimeZone(identifier: zone)!)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            for date in dates {
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
                let offset = calendar.timeZone.secondsFromGMT(for: date) / 60
                let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][c.weekday! - 1]
                let expected = String(format: "%@ %04d-%02d-%02d %02d:%02d %@%02d:%02d (%@)", weekday, c.year!, c.month!,
                    c.day!, c.hour!, c.minute!, offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60, other.timeZone.identifier)
                #expect(other.describe(date) == expected)
            }
        }
        #expect(CalendarDay(year: 7, month: 3, day: 9).description == "0007-03-09")
        for value in [0, 5, 42, 999, 1000, 12345, -1, -42, Int.min, Int.max] {
            for width in [0, 1, 2, 4] {
                #expect(zeroPadded(value, width: width) == String(format: "%0*ld", width, value), "\(value) \(width)")
            }
        }
    }
}
