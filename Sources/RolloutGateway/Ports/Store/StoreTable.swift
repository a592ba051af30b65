/// The rows of one store table, as ``StoreTransfer`` copies them.
public struct StoreTable: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    public var rows: [[StoreValue]]

    public init(name: String, columns: [String], rows: [[StoreValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}
