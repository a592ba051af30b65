import Foundation

/// Bytes written on another thread, started at once; ``bytes`` waits for them.
///
/// Writing an outgoing message (MIME, headers, quoted-printable) is pure work that nothing in the same event
/// depends on: a store that takes messages in this state stores them once they are written, before its batch
/// commits, while the next events are decided.
public final class ComposedBytes: @unchecked Sendable, Equatable {
    private let condition = NSCondition()
    private var result: [UInt8]?

    public init(_ write: @escaping @Sendable () -> [UInt8]) {
        DispatchQueue.global().async {
            let bytes = write()
            self.condition.lock()
            self.result = bytes
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    /// The bytes, once written.
    public var bytes: [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }

    public static func == (lhs: ComposedBytes, rhs: ComposedBytes) -> Bool { lhs === rhs }
}
