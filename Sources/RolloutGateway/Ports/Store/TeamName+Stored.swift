import RolloutCore

/// Reading a team name a store keeps: one that is not a team name is an error naming where it was found, never
/// skipped (see ``StoreError/unknownValue(table:column:value:)``).
extension TeamName {
    /// The team named `name` in `table`.`column`.
    public init(stored name: String, table: String, column: String) throws {
        guard let team = TeamName(name) else { throw StoreError.unknownValue(table: table, column: column, value: name) }
        self = team
    }

    /// The team named `name` in `table`.`column`, or nil for a NULL.
    public static func storedIfAny(_ name: String?, table: String, column: String) throws -> TeamName? {
        try name.map { try TeamName(stored: $0, table: table, column: column) }
    }
}
