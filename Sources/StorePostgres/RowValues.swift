import PostgresNIO

/// Named values of one row, turned into an INSERT or UPDATE with bound parameters.
struct RowValues {
    private(set) var names: [String] = []
    private var binders: [(inout PostgresBindings) -> Void] = []

    mutating func add<Value: PostgresDynamicTypeEncodable>(_ name: String, _ value: Value?) {
        names.append(name)
        binders.append { $0.append(value) }
    }

    /// A NULL whose type the server takes from the column.
    mutating func addNull(_ name: String) {
        names.append(name)
        binders.append { $0.appendNull() }
    }

    mutating func append(_ other: RowValues) {
        names += other.names
        binders += other.binders
    }

    var bindings: PostgresBindings {
        var bindings = PostgresBindings(capacity: binders.count)
        for bind in binders { bind(&bindings) }
        return bindings
    }

    /// `INSERT INTO table (…) VALUES ($1, …)`; with `onConflict`, the existing row is replaced (`replacing`) or kept.
    func insert(into table: String, onConflict key: [String] = [], replacing: Bool = false) -> PostgresQuery {
        let updates = names.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return Self.insert(into: table, rows: [self], onConflict: key, update: replacing ? updates : nil)
    }

    /// One `INSERT INTO table (…) VALUES (…), (…), …` for rows of the same columns (one round trip); with `onConflict`,
    /// existing rows are kept, or changed by `update` (`SET` assignments); with `returning`, the inserted rows' columns
    /// are returned.
    static func insert(
        into table: String, rows: [RowValues], onConflict key: [String] = [], update: String? = nil, returning: String? = nil
    ) -> PostgresQuery {
        var statement = BoundStatement()
        let sql = insert(into: table, rows: rows, onConflict: key, update: update, returning: returning, in: &statement)
        return statement.query(sql)
    }

    /// The same INSERT as a part of `statement` (a `WITH` chain of several).
    static func insert(
        into table: String, rows: [RowValues], onConflict key: [String] = [], update: String? = nil, returning: String? = nil,
        in statement: inout BoundStatement
    ) -> String {
        precondition(!rows.isEmpty && rows.allSatisfy { $0.names == rows[0].names }, "rows of one insert have the same columns")
        let tuples = rows.map { row in "(" + row.binders.map { statement.placeholder($0) }.joined(separator: ", ") + ")" }
        var sql = "INSERT INTO \(table) (\(rows[0].names.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", "))"
        if !key.isEmpty { sql += " ON CONFLICT (\(key.joined(separator: ", "))) " + (update.map { "DO UPDATE SET \($0)" } ?? "DO NOTHING") }
        if let returning { sql += " RETURNING \(returning)" }
        return sql
    }

    /// `UPDATE table SET … WHERE column = value`.
    func update(_ table: String, extra: String? = nil, where column: String, equals value: Int) -> PostgresQuery {
        var statement = BoundStatement()
        let sql = update(table, extra: extra, where: column, equals: value, in: &statement)
        return statement.query(sql)
    }

    /// The same UPDATE as a part of `statement` (a `WITH` chain of several).
    func update(_ table: String, extra: String? = nil, where column: String, equals value: Int, in statement: inout BoundStatement) -> String {
        let sets = zip(names, binders).map { "\($0) = \(statement.placeholder($1))" } + (extra.map { [$0] } ?? [])
        return "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE \(column) = \(statement.placeholder(value))"
    }
}
