import Foundation
import GRDB
import TestSupport
import Testing

@testable import StoreSQLite

/// ``StoredDateText`` against GRDB's own stored text of a date, character for character: SQL compares dates as text.
@Suite("Dates stored as GRDB stores them, without its DateFormatter")
struct StoredDateTextTests {
    @Test("random dates of 1970–9999, whole seconds, milliseconds and finer: GRDB's text")
    func randomDates() throws {
        var random = SeededRandom(state: 2026_12_07_11)
        var compared = 0
        for index in 0..<20_000 {
            let seconds = Double(random.next() % 253_402_300_800)
            // Whole seconds, whole milliseconds, and any fraction (the clock's microseconds).
            let fraction: Double =
                switch index % 3 {
                case 0: 0
                case 1: Double(random.next() % 1000) / 1000
                default: Double(random.next() % 1_000_000) / 1_000_000
                }
            let date = Date(timeIntervalSince1970: seconds + fraction)
            let text = try #require(StoredDateText.text(of: date))
            #expect(text == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
            compared += 1
        }
        #expect(compared == 20_000)
    }

    @Test("the edges: the epoch, leap days, the ends of years and of 9999, the clock now; before 1970 and beyond 9999 GRDB's own")
    func edges() throws {
        let fixed: [Double] = [
            0, 0.001, 0.999, 0.9999, 59.999_999, 86_399.999, 951_782_400, 951_868_799.999, 4_107_542_400, 1_796_374_800,
            1_796_374_800.123_456, 253_402_300_799.999, 946_684_799.999_5, 1_234_567_890.000_999,
        ]
        for seconds in fixed + [Date().timeIntervalSince1970] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredDateText.text(of: date) == String.fromDatabaseValue(date.databaseValue), "\(seconds)")
        }
        for seconds in [-1, -86_400 * 365.25 * 400, 253_402_300_800, 253_402_300_799.9996, .infinity, .nan] as [Double] {
            #expect(StoredDateText.text(of: Date(timeIntervalSince1970: seconds)) == nil, "\(seconds)")
        }
        let old = Date(timeIntervalSince1970: -1_000_000_000)
        #expect(StoredDateText.value(of: old) == old.databaseValue)
    }
}
