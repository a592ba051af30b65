import PostgresNIO

/// One execution of a prepared statement (`SQL`) with its values: postgres-nio prepares it on a connection the first
/// time that connection runs it, then sends only Bind and Execute.
struct PreparedQuery<SQL: PreparedSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRandomAccessRow

    static var name: String { String(reflecting: SQL.self) }
    static var sql: String { SQL.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRandomAccessRow { row.makeRandomAccess() }
}
