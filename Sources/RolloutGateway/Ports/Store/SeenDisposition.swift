import RolloutCore

/// What became of a message recorded as seen. Stored as the text it always was (`applied`, `set-aside: no ticket or
/// sender`, `replay-key: <key>`), and read back strictly: a text this binary does not know is an error.
public enum SeenDisposition: Sendable, Equatable, CustomStringConvertible {
    /// What ingesting the message did, and why when it was not applied (a message set aside, a loop, …).
    case message(InboundPolicy.Disposition, reason: String?)
    /// A further key of an applied message (``SeenMessage/replayKeys``), naming the message's own key.
    case replayKey(of: String)

    static let replayKeyName = "replay-key"

    /// The stored text: the disposition, then `: ` and the reason when there is one.
    public var description: String {
        switch self {
        case .message(let disposition, let reason): disposition.rawValue + (reason.map { ": \($0)" } ?? "")
        case .replayKey(let key): "\(Self.replayKeyName): \(key)"
        }
    }

    /// Reads the stored text of `table`.`column` back.
    public init(stored text: String, table: String, column: String) throws {
        let separator = text.range(of: ": ")
        let name = separator.map { String(text[..<$0.lowerBound]) } ?? text
        let rest = separator.map { String(text[$0.upperBound...]) }
        if name == Self.replayKeyName, let rest {
            self = .replayKey(of: rest)
        } else if let disposition = InboundPolicy.Disposition(rawValue: name) {
            self = .message(disposition, reason: rest)
        } else {
            throw StoreError.unknownValue(table: table, column: column, value: text)
        }
    }
}
