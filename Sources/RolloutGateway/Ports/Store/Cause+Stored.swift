import RolloutCore

/// A history entry's cause as both SQL drivers store it: a kind (`message`, `cli`, `timer`) and its text.
extension Cause {
    /// The `cause_kind` and `cause` columns.
    public var storedColumns: (kind: String, text: String) {
        switch self {
        case .message(let id): ("message", id)
        case .operatorAction(let action): ("cli", action)
        case .timer(let kind): ("timer", kind.rawValue)
        case .registry(let name): ("registry", name)
        }
    }

    /// The cause read back from its columns of `table`; a kind or timer this binary does not know is an error.
    public init(storedKind kind: String, text: String, table: String) throws {
        switch kind {
        case "message": self = .message(id: text)
        case "cli": self = .operatorAction(text)
        case "timer": self = .timer(try TimerKind(stored: text, table: table, column: "cause"))
        case "registry": self = .registry(text)
        default: throw StoreError.unknownValue(table: table, column: "cause_kind", value: kind)
        }
    }
}
