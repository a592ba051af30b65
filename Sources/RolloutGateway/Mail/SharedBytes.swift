import Foundation
import Synchronization

/// Bytes written once, on the first thread that asks, and shared by the copies made from them.
final class SharedBytes: Sendable {
    private let write: @Sendable () -> [UInt8]
    private let bytes = Mutex<[UInt8]?>(nil)

    init(_ write: @escaping @Sendable () -> [UInt8]) {
        self.write = write
    }

    func value() -> [UInt8] {
        bytes.withLock { bytes in
            if bytes == nil { bytes = write() }
            return bytes!
        }
    }
}
