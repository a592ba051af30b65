import Foundation

/// Bytes written once, on the first thread that asks, and shared by the copies made from them.
final class SharedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private let write: @Sendable () -> [UInt8]
    private var bytes: [UInt8]?

    init(_ write: @escaping @Sendable () -> [UInt8]) {
        self.write = write
    }

    func value() -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if bytes == nil { bytes = write() }
        return bytes!
    }
}
