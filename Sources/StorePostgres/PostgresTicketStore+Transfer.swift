import Foundation
import PostgresNIO
import RolloutGateway

/// `store copy`: every table, row by row, with the values typed by their columns.
extension PostgresTicketStore: StoreTransfer {
    /// Columns of a table and their types, in their order, without this driver's own.
    private static func columns(of table: String, _ connection: PostgresConnection) async throws -> [(name: String, type: String)] {
        try await connection.rows(
            """
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) ORDER BY ordinal_position
            """
        ).map { (try $0.get("name", as: String.self), try $0.get("type", as: String.self)) }
            .filter { !PostgresSchema.driverColumns.contains($0.name) }
    }

    public func exportTables() async throws -> [StoreTable] {
        try await transaction { transaction in
            try await transaction.run { connection in
                try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                var tables: [StoreTable] = []
                for (name, order) in CopiedTables.all {
                    let columns = try await Self.columns(of: name, connection)
                    let rows = try await connection.rows(
                        PostgresQuery(unsafeSQL: "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(name) ORDER BY \(order)"))
                    tables.append(
                        StoreTable(
                            name: name, columns: columns.map(\.name),
                            rows: try rows.map { row in try columns.map { try Self.value(row, $0.name, type: $0.type) } }))
                }
                return tables
            }
        }
    }

    private static func value(_ row: PostgresRecord, _ column: String, type: String) throws -> StoreValue {
        switch type {
        case "bigint", "integer", "smallint": try row.get(column, as: Int64?.self).map(StoreValue.integer) ?? .null
        case "boolean": try row.get(column, as: Bool?.self).map(StoreValue.bool) ?? .null
        case "timestamp with time zone": try row.get(column, as: Date?.self).map(StoreValue.date) ?? .null
        case "bytea": try row.get(column, as: ByteBuffer?.self).map { .bytes(Array($0.readableBytesView)) } ?? .null
        case "double precision", "real": try row.get(column, as: Double?.self).map(StoreValue.real) ?? .null
        default: try row.get(column, as: String?.self).map(StoreValue.text) ?? .null
        }
    }

    public func importTables(_ tables: [StoreTable]) async throws {
        try await transaction { transaction in
            try await transaction.run { connection in
                let tickets: Int = try await connection.rows("SELECT COUNT(*) AS n FROM tickets")[0].get("n")
                guard tickets == 0 else {
                    throw StoreError.unavailable("\(self.location) already holds \(tickets) tickets; expected an empty store to copy into")
                }
                for table in tables {
                    let known = Set(try await Self.columns(of: table.name, connection).map(\.name))
                    guard !known.isEmpty else { throw StoreError.unavailable("\(self.location) has no table \(table.name) (schema versions differ)") }
                    if let unknown = table.columns.first(where: { !known.contains($0) }) {
                        throw StoreError.unavailable("\(self.location): the column \(table.name).\(unknown) is unknown here (schema versions differ)")
                    }
                    for row in table.rows {
                        var values = RowValues()
                        for (column, value) in zip(table.columns, row) {
                            switch value {
                            case .null: values.addNull(column)
                            case .integer(let number): values.add(column, number)
                            case .real(let number): values.add(column, number)
                            case .text(let text): values.add(column, text)
                            case .bytes(let bytes): values.add(column, ByteBuffer(bytes: bytes))
                            case .date(let date): values.add(column, date)
                            case .bool(let flag): values.add(column, flag)
                            }
                        }
                        try await connection.execute(values.insert(into: table.name))
                    }
                }
                // Numbers drawn later continue after the highest copied.
                try await connection.execute("UPDATE set_aside_total SET bytes = (SELECT COALESCE(SUM(size), 0) FROM set_aside) WHERE id = 1")
                for table in ["ticket_sequence", "history", "attachments", "outbox", "set_aside"] {
                    try await connection.execute(
                        PostgresQuery(
                            unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)"))
                }
            }
        }
    }

    public func rowCounts() async throws -> [String: Int] {
        try await connection { connection in
            var counts: [String: Int] = [:]
            for (name, _) in CopiedTables.all {
                counts[name] = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) AS n FROM \(name)"))[0].get("n")
            }
            return counts
        }
    }
}
