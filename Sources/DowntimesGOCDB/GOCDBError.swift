/// Why GOCDB gave no usable answer: the caller keeps the last state it knew.
public enum GOCDBError: Error, CustomStringConvertible, Sendable {
    /// The API could not be reached (or answered another status than 200).
    case unreachable(String)
    /// The API answered `<error>` (an unknown parameter, a bad value).
    case answeredError(String)
    /// The answer is not the XML the API documents.
    case malformed(String)

    public var description: String {
        switch self {
        case .unreachable(let detail): "GOCDB cannot be reached: \(detail)"
        case .answeredError(let detail): "GOCDB answered an error: \(detail)"
        case .malformed(let detail): "GOCDB's answer cannot be read: \(detail)"
        }
    }
}
