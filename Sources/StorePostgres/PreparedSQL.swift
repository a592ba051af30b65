/// The text of a statement that runs for nearly every message (the seen check, a case's rows, the version lock): each
/// connection prepares it once, by its type's name, and then only binds and executes it (``PreparedQuery``).
protocol PreparedSQL {
    static var sql: String { get }
}
