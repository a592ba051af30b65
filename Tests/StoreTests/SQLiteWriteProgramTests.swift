import Foundation
import GRDB
import Testing

@testable import StoreSQLite

/// SQLite compiles every CHECK constraint and partial index condition of a table into each statement that writes it.
/// A condition with an `IN (…)` list of three or more values then fills a temporary table at each row written (the
/// `OpenEphemeral` instruction): 4,500 of them and 6.5% of a `tick`'s instructions before migration v15.
@Suite("SQLite: writing a row builds no temporary table")
struct SQLiteWriteProgramTests {
    @Test("no INSERT or UPDATE of any table of the current schema opens an ephemeral table")
    func noEphemeralTables() throws {
        let file = try MigratedSQLiteFile()
        let tables = try file.queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(tables.contains("outbox") && tables.contains("timers"))
        var programs: [String: [String]] = [:]
        try file.queue.read { db in
            for table in tables {
                let columns = try db.columns(in: table).map(\.name)
                let quoted = columns.map { "\"\($0)\"" }
                let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                programs["INSERT INTO \(table)"] = try Self.opcodes(
                    db, "INSERT INTO \"\(table)\" (\(quoted.joined(separator: ", "))) VALUES (\(placeholders))")
                // Its other columns, one row by its key, as the store updates rows (changing a key's columns is a
                // two-pass update, which collects the rows in a temporary table of its own).
                let key = try db.primaryKey(table).columns
                let changed = columns.filter { !key.contains($0) }.map { "\"\($0)\" = ?" }
                guard !changed.isEmpty else { continue }
                programs["UPDATE \(table)"] = try Self.opcodes(
                    db, "UPDATE \"\(table)\" SET " + changed.joined(separator: ", ") + " WHERE " + key.map { "\"\($0)\" = ?" }.joined(separator: " AND "))
            }
        }
        #expect(programs.count > tables.count && programs["UPDATE timers"] != nil && programs["INSERT INTO outbox"] != nil)
        let building = programs.filter { $0.value.contains("OpenEphemeral") }.keys.sorted()
        #expect(building.isEmpty, "statements that fill a temporary table per row: \(building)")
        // The instrument sees one when there is one: the v14 index's condition.
        let listed = try file.queue.write { db in
            try db.execute(sql: "CREATE TEMPORARY TABLE listed (kind TEXT, CHECK (kind NOT IN ('a', 'b', 'c')))")
            return try Self.opcodes(db, "INSERT INTO listed (kind) VALUES (?)")
        }
        #expect(listed.contains("OpenEphemeral"))
    }

    @Test("migrating a v14 store keeps every timer, and the timers' states are still checked")
    func migrationKeepsTimers() throws {
        let folder = NSTemporaryDirectory() + "rollout-v15-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let queue = try DatabaseQueue(path: "\(folder)/gateway.sqlite")
        try Schema.migrator.migrate(queue, upTo: "v14: a ticket's latest own words by an index without its answers and relays")
        try queue.write { db in
            let created = Date(timeIntervalSince1970: 1_795_000_000)
            try seedReleaseTicket(db, at: created)
            for (kind, state) in [("no-answer", "pending"), ("escalation", "fired"), ("reminder", "cancelled")] {
                try db.execute(
                    sql: "INSERT INTO timers (ticket_id, kind, team, due_at, state) VALUES (1, ?, 'NGI_IT', ?, ?)",
                    arguments: [kind, created, state])
            }
        }
        let before = try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM timers ORDER BY kind") }
        try Schema.migrator.migrate(queue)
        let after = try queue.read { try Row.fetchAll($0, sql: "SELECT * FROM timers ORDER BY kind") }
        #expect(before.count == 3 && after == before)
        try queue.read { db in
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'timers' ORDER BY name")
            #expect(indexes == ["sqlite_autoindex_timers_1", "timers_due"])
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE timers SET state = 'snoozed' WHERE kind = 'no-answer'") }
        }
    }

    /// The opcodes of the program SQLite compiles for `sql`, its `?` parameters bound to NULL.
    static func opcodes(_ db: Database, _ sql: String) throws -> [String] {
        let nulls = StatementArguments(Array(repeating: DatabaseValue.null, count: sql.filter { $0 == "?" }.count))
        return try Row.fetchAll(db, sql: "EXPLAIN " + sql, arguments: nulls).map { $0["opcode"] as String }
    }
}
