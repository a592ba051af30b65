import PostgresNIO

/// One statement being written with its bound values: each value gets the next placeholder (`$1`, `$2`, …), so that
/// several parts (the INSERTs of a `WITH` chain) can share one statement and one round trip.
struct BoundStatement {
    private(set) var bindings = PostgresBindings()
    private var count = 0

    /// The placeholder of the value `bind` appends.
    mutating func placeholder(_ bind: (inout PostgresBindings) -> Void) -> String {
        bind(&bindings)
        count += 1
        return "$\(count)"
    }

    /// The placeholder of `value`.
    mutating func placeholder<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        placeholder { $0.append(value) }
    }

    /// The statement `sql`, written with this one's placeholders.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
