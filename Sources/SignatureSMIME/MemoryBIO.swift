internal import COpenSSL

/// An OpenSSL memory BIO holding a copy of some bytes (or collecting output), freed with it.
final class MemoryBIO {
    let handle: OpaquePointer

    init(_ bytes: [UInt8]) {
        handle = BIO_new(BIO_s_mem())
        if !bytes.isEmpty {
            _ = bytes.withUnsafeBytes { BIO_write(handle, $0.baseAddress, Int32($0.count)) }
        }
    }

    deinit { BIO_free(handle) }

    /// What a reader made of the bytes, or nil.
    func read<T>(_ reader: (OpaquePointer) -> T?) -> T? { reader(handle) }

    /// The bytes the BIO holds (`BIO_get_mem_data`).
    var bytes: [UInt8] {
        var pointer: UnsafeMutablePointer<CChar>?
        let count = BIO_ctrl(handle, BIO_CTRL_INFO, 0, &pointer)
        guard count > 0, let pointer else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}
