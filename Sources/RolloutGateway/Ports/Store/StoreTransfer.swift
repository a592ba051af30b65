/// Copies a whole store, table by table, into another store (of another driver): `store copy`.
///
/// Both drivers hold the same tables with the same column names; what only one driver keeps for itself (claims of
/// rows by a running instance) is not copied.
public protocol StoreTransfer: Sendable {
    /// Every table in an order that respects references (tickets before their history), with all its rows.
    func exportTables() async throws -> [StoreTable]
    /// Writes the tables into this store, which must hold no ticket yet, in one transaction; number sequences
    /// continue after the highest number copied.
    func importTables(_ tables: [StoreTable]) async throws
    /// The number of rows of each table.
    func rowCounts() async throws -> [String: Int]
}
