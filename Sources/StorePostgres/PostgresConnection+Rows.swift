import Logging
import PostgresNIO

/// Statements without their rows, and rows read by column name.
extension PostgresConnection {
    /// Queries log nothing of their own: the store reports its errors, without the values bound.
    static let quiet = Logger(label: "store-postgresql", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs a statement; its rows (if any) are read and dropped.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await self.query(query, logger: Self.quiet).collect()
    }

    /// Runs a prepared statement (``HotSQL``) with `bindings` and reads all its rows.
    func rows<SQL: PreparedSQL>(_ sql: SQL.Type, _ bindings: PostgresBindings) async throws -> [PostgresRecord] {
        var rows: [PostgresRecord] = []
        for try await row in try await execute(PreparedQuery<SQL>(bindings: bindings), logger: Self.quiet) { rows.append(PostgresRecord(row)) }
        return rows
    }

    /// Runs a query and reads all its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRecord] {
        try await self.query(query, logger: Self.quiet).collect().map { PostgresRecord($0.makeRandomAccess()) }
    }
}

/// One row, read by column name.
struct PostgresRecord {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try row[column].decode(T.self)
    }

    /// A `bytea` column's bytes.
    func bytes(_ column: String) throws -> [UInt8] {
        guard let buffer = try get(column, as: ByteBuffer?.self) else { return [] }
        return Array(buffer.readableBytesView)
    }
}
