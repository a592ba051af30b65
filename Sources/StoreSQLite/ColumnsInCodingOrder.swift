import GRDB

/// A record read by position (issue 24): its reads select its coding keys' columns in their order — the query
/// interface through ``databaseSelection``, hand SQL through ``selection`` — and its `init(row:)` takes each value at
/// its index, so no row looks a column up by name (GRDB's look-up is case-insensitive: a `lowercased()` per column
/// per row).
public protocol ColumnsInCodingOrder: FetchableRecord, TableRecord {
    associatedtype ColumnKey: CodingKey & CaseIterable
}

extension ColumnsInCodingOrder {
    /// The `SELECT` list of hand SQL reads: the coding keys in their order.
    public static var selection: String { ColumnKey.allCases.map(\.stringValue).joined(separator: ", ") }

    public static var databaseSelection: [any SQLSelectable] { ColumnKey.allCases.map { Column($0.stringValue) } }
}
