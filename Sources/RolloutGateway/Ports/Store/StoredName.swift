/// Reading a value a store keeps by its name (a timer kind, a history action, a status): a name this binary does not
/// know is a ``StoreError/unknownValue(table:column:value:)`` naming where it was found, never a default.
extension RawRepresentable where RawValue == String {
    /// The value named `name` in `table`.`column`.
    public init(stored name: String, table: String, column: String) throws {
        guard let value = Self(rawValue: name) else { throw StoreError.unknownValue(table: table, column: column, value: name) }
        self = value
    }

    /// The value named `name` in `table`.`column`, or nil for a NULL.
    public static func storedIfAny(_ name: String?, table: String, column: String) throws -> Self? {
        try name.map { try Self(stored: $0, table: table, column: column) }
    }
}
