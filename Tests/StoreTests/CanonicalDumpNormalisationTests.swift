import Foundation
import RolloutGateway
import TestSupport
import Testing

/// What ``CanonicalDump`` normalises, and that it normalises nothing else.
@Suite("Canonical dump: only the clock's traces and row numbers are normalised")
struct CanonicalDumpNormalisationTests {
    static func message(second: Int, date: String, body: String) -> [UInt8] {
        Array(
            """
            Date: \(date)\r
            Message-ID: <rg.2.transcript.\(second).3lg2kz2ilr9n7@rollout.example.org>\r
            References: <rg.2.thread.0ufgdn3ajf1zb@rollout.example.org> <rg.2.team-assigned.\(second - 60).abc@rollout.example.org>\r
            \r
            \(body)\r
            """.utf8)
    }

    /// A store with one outbox row and two history entries of ticket 2, numbered from `firstID`.
    static func tables(firstID: Int64, second: Int, date: String, body: String, at: Date) -> [StoreTable] {
        let columns = CanonicalDump.columns.map { table, columns in (table, columns) }
        var tables = columns.map { StoreTable(name: $0.0, columns: $0.1, rows: []) }
        func set(_ name: String, _ columns: [String], _ rows: [[StoreValue]]) {
            tables[tables.firstIndex { $0.name == name }!] = StoreTable(name: name, columns: columns, rows: rows)
        }
        let history = ["id"] + CanonicalDump.columns.first { $0.table == "history" }!.columns
        set("history", history, [1, 0].map { offset in
            [.integer(firstID + Int64(offset)), .integer(2), .date(at), .text("message"), .text("<m@x>"), .null, .null, .null,
             .text(offset == 1 ? "second" : "first"), .text("d"), .null]
        })
        let outbox = CanonicalDump.columns.first { $0.table == "outbox" }!.columns
        set("outbox", outbox, [[
            .integer(2), .text("transcript"), .text("rg.2.transcript.\(second).3lg2kz2ilr9n7@rollout.example.org"), .text("gw@x"),
            .text("a@x"), .bytes(message(second: second, date: date, body: body)), .date(at), .integer(0), .date(at), .null, .null,
        ]])
        return tables
    }

    static let at = Date(timeIntervalSince1970: 1_796_000_000.123_456_7)

    @Test("the second of a generated Message-ID, the Date field, row numbers and sub-second times do not count")
    func clockTracesNormalised() throws {
        let one = try CanonicalDump(Self.tables(firstID: 1, second: 1_796_000_000, date: "Mon, 30 Nov 2026 15:05:00 +0000", body: "text", at: Self.at))
        let other = try CanonicalDump(
            Self.tables(firstID: 90, second: 1_796_000_007, date: "Mon, 30 Nov 2026 15:05:07 +0000", body: "text", at: Self.at.addingTimeInterval(0.4)))
        #expect(one == other)
        #expect(one.differences(from: other, names: ("one", "other")).isEmpty)
    }

    @Test("a byte of the text, a stored time's second, or the order of a ticket's history does count")
    func contentCounts() throws {
        let one = try CanonicalDump(Self.tables(firstID: 1, second: 1_796_000_000, date: "Mon, 30 Nov 2026 15:05:00 +0000", body: "text", at: Self.at))
        let otherText = try CanonicalDump(Self.tables(firstID: 1, second: 1_796_000_000, date: "Mon, 30 Nov 2026 15:05:00 +0000", body: "texT", at: Self.at))
        #expect(one.differences(from: otherText, names: ("one", "other")).first == "outbox: 1 rows on one, 1 on other")
        let otherSecond = try CanonicalDump(
            Self.tables(firstID: 1, second: 1_796_000_000, date: "Mon, 30 Nov 2026 15:05:00 +0000", body: "text", at: Self.at.addingTimeInterval(1)))
        #expect(one != otherSecond)
        var reordered = Self.tables(firstID: 1, second: 1_796_000_000, date: "Mon, 30 Nov 2026 15:05:00 +0000", body: "text", at: Self.at)
        let history = reordered.firstIndex { $0.name == "history" }!
        reordered[history].rows[0][0] = .integer(0)  // "second" now written before "first"
        #expect(try CanonicalDump(reordered) != one)
    }
}
