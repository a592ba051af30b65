/// Reading a column that is NULL where the row needs a value (a release ticket's owner, a staged rollout's parent):
/// an error naming where it was found, never a default.
extension Optional {
    /// The value of `table`.`column`; a NULL is ``StoreError/unknownValue(table:column:value:)`` with the value `NULL`.
    public func storedRequired(table: String, column: String) throws -> Wrapped {
        guard let self else { throw StoreError.unknownValue(table: table, column: column, value: "NULL") }
        return self
    }
}
