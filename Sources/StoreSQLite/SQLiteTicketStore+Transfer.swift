import Foundation
import GRDB
import RolloutGateway

/// `store copy`: every table, row by row, with the values typed by their declared column types.
extension SQLiteTicketStore: StoreTransfer {
    private static func columns(of table: String, _ db: Database) throws -> [(name: String, type: String)] {
        try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", arguments: [table]).map {
            ($0["name"], ($0["type"] as String).uppercased())
        }
    }

    public func exportTables() async throws -> [StoreTable] {
        do {
            return try await pool.read { db in
                try CopiedTables.all.map { name, order in
                    let columns = try Self.columns(of: name, db)
                    let rows = try Row.fetchAll(db, sql: "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(name) ORDER BY \(order)")
                    return StoreTable(
                        name: name, columns: columns.map(\.name),
                        rows: rows.map { row in columns.map { Self.value(row, $0.name, type: $0.type) } })
                }
            }
        } catch { throw Self.translate(error) }
    }

    private static func value(_ row: Row, _ column: String, type: String) -> StoreValue {
        let value: DatabaseValue = row[column]
        if value.isNull { return .null }
        switch type {
        case "DATETIME": return (row[column] as Date?).map(StoreValue.date) ?? .null
        case "BOOLEAN": return .bool(row[column])
        case "INTEGER": return .integer(row[column])
        case "BLOB": return .bytes([UInt8](row[column] as Data))
        case "REAL": return .real(row[column])
        default: return .text(row[column])
        }
    }

    public func importTables(_ tables: [StoreTable]) async throws {
        let path = self.path
        do {
            try await write { db in
                let tickets = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickets") ?? 0
                guard tickets == 0 else { throw StoreError.unavailable("\(path) already holds \(tickets) tickets; expected an empty store to copy into") }
                for table in tables {
                    let known = Set(try Self.columns(of: table.name, db).map(\.name))
                    guard !known.isEmpty else { throw StoreError.unavailable("\(path) has no table \(table.name) (schema versions differ)") }
                    if let unknown = table.columns.first(where: { !known.contains($0) }) {
                        throw StoreError.unavailable("\(path): the column \(table.name).\(unknown) is unknown here (schema versions differ)")
                    }
                    let statement = try db.makeStatement(
                        sql: "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(table.columns.map { _ in "?" }.joined(separator: ", ")))")
                    for row in table.rows {
                        try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
                    }
                }
                try db.execute(sql: "UPDATE set_aside_total SET bytes = (SELECT COALESCE(SUM(size), 0) FROM set_aside) WHERE id = 1")
            }
        } catch { throw Self.translate(error) }
    }

    private static func databaseValue(_ value: StoreValue) -> (any DatabaseValueConvertible)? {
        switch value {
        case .null: nil
        case .integer(let number): number
        case .real(let number): number
        case .text(let text): text
        case .bytes(let bytes): Data(bytes)
        case .date(let date): date
        case .bool(let flag): flag
        }
    }

    public func rowCounts() async throws -> [String: Int] {
        do {
            return try await pool.read { db in
                var counts: [String: Int] = [:]
                for (name, _) in CopiedTables.all { counts[name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(name)") ?? 0 }
                return counts
            }
        } catch { throw Self.translate(error) }
    }
}
