internal import CGPGME

/// A GPGME data object holding a copy of some bytes, released with it.
final class GPGMEData {
    let handle: gpgme_data_t

    init?(_ bytes: [UInt8]) {
        var handle: gpgme_data_t?
        let error = bytes.withUnsafeBytes { buffer in
            gpgme_data_new_from_mem(&handle, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count, 1)
        }
        guard error == 0, let handle else { return nil }
        self.handle = handle
    }

    deinit { gpgme_data_release(handle) }
}
