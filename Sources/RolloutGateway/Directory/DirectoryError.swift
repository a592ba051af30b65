import Foundation

/// Why the directory could not be read. Either way the last stored snapshot stays in force.
public enum DirectoryError: Error, Equatable, CustomStringConvertible {
    /// Down, unreachable, timed out, TLS failed: try again later (exit 75).
    case unavailable(String)
    /// The directory refused what the configuration says (a wrong bind password, a bad filter, an unknown base):
    /// `key` names the configuration key to fix (exit 78).
    case refused(key: String, String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "the directory is unavailable: \(reason)"
        case .refused(let key, let reason): "the directory refused directory.\(key): \(reason)"
        }
    }
}
