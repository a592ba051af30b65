import Foundation

/// What caused a change, recorded with every history entry.
public enum Cause: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A mail message, by its Message-ID (or the digest standing in for one).
    case message(id: String)
    /// A command-line action, e.g. `release stage`.
    case operatorAction(String)
    /// A timer firing.
    case timer(TimerKind)
    /// What a registry of the grid (GOCDB) answered, asked by the gateway.
    case registry(String)

    /// Whether a mail message caused it (its transcript and summary line say what each command did).
    public var isMessage: Bool {
        if case .message = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .message(let id): "message \(id)"
        case .operatorAction(let action): "cli \(action)"
        case .timer(let kind): "timer \(kind.rawValue)"
        case .registry(let name): "registry \(name)"
        }
    }
}
