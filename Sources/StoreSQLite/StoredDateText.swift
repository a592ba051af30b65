import Foundation
import GRDB
import RolloutCore

/// A date as GRDB stores it — `yyyy-MM-dd HH:mm:ss.SSS` in UTC, the text its `DateFormatter` makes — written with
/// integer arithmetic: the formatter took 15 k instructions a date, 2 % of firing a timer or ingesting a reply
/// (issue 24). Dates are compared as this text in SQL, so it must be GRDB's to the character: `StoredDateTextTests`
/// compare the two over random dates. Outside the years 1970–9999 GRDB's own text is used.
enum StoredDateText {
    /// The date's stored value.
    static func value(of date: Date) -> DatabaseValue {
        text(of: date).map { $0.databaseValue } ?? date.databaseValue
    }

    /// The text, or nil outside the years this writes (1970–9999) or for a date that is not finite. The milliseconds are
    /// rounded to the nearest, from the reference date, as Foundation hands a date to ICU.
    static func text(of date: Date) -> String? {
        // Milliseconds since 1970 as Foundation hands the date to ICU: from the reference date, to the nearest.
        let interval = (date.timeIntervalSinceReferenceDate + 978_307_200) * 1000
        guard interval.isFinite, interval >= 0, interval < 253_402_300_800_000 else { return nil }
        let milliseconds = Int64(interval.rounded())
        guard milliseconds < 253_402_300_800_000 else { return nil }  // 10000-01-01: a fifth digit of year
        let seconds = milliseconds / 1000
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        let (hour, minute, second) = (secondOfDay / 3_600, secondOfDay / 60 % 60, secondOfDay % 60)
        // Written byte by byte into the string's own storage: joining seven padded numbers cost 4 k instructions a
        // date, and a tick firing 1,200 timers writes 10,000 dates.
        return String(unsafeUninitializedCapacity: 23) { text in
            writeDigits(UInt(year), width: 4, into: text, at: 0)
            text[4] = UInt8(ascii: "-")
            writeDigits(UInt(month), width: 2, into: text, at: 5)
            text[7] = UInt8(ascii: "-")
            writeDigits(UInt(day), width: 2, into: text, at: 8)
            text[10] = UInt8(ascii: " ")
            writeDigits(UInt(hour), width: 2, into: text, at: 11)
            text[13] = UInt8(ascii: ":")
            writeDigits(UInt(minute), width: 2, into: text, at: 14)
            text[16] = UInt8(ascii: ":")
            writeDigits(UInt(second), width: 2, into: text, at: 17)
            text[19] = UInt8(ascii: ".")
            writeDigits(UInt(milliseconds % 1000), width: 3, into: text, at: 20)
            return 23
        }
    }
}
