/// Which store the gateway keeps its tickets in: exactly one of `store.sqlite` and `store.postgresql`.
public enum StoreSettings: Sendable, Equatable {
    /// The embedded default: one SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database, which several gateway instances may share.
    case postgresql(PostgreSQLSettings)
}
