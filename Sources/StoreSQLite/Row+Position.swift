import GRDB

/// Reading a row by position, from a SELECT whose columns are a row type's coding keys in their order (its
/// `selection`): no look-up of a column by name per row (GRDB's lower-cased name search was 11% of ingest).
extension CodingKey where Self: CaseIterable & Equatable, AllCases == [Self] {
    /// The column's place in a SELECT of every case in order.
    var position: Int { Self.allCases.firstIndex(of: self)! }
}

extension Row {
    /// The value of `key`'s column, at its position.
    func value<Key: CodingKey & CaseIterable & Equatable, Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ key: Key
    ) throws -> Value where Key.AllCases == [Key] {
        try decode(Value.self, atIndex: key.position)
    }

    /// The value of `key`'s column, at its position (a type SQLite does not hand over directly: a date).
    func value<Key: CodingKey & CaseIterable & Equatable, Value: DatabaseValueConvertible>(_ key: Key) throws -> Value
    where Key.AllCases == [Key] {
        try decode(Value.self, atIndex: key.position)
    }
}
