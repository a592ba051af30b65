internal import CGPGME

/// A GPGME context for OpenPGP bound to one GnuPG home, offline (no key-server lookups), released with it. One per
/// check: a context is not shared between threads.
final class GPGMEContext {
    let handle: gpgme_ctx_t

    /// GPGME's one-time set-up (its version check, which initialises the library); nil when GPGME is unusable.
    static let version: String? = CGPGME_initialize().map { String(cString: $0) }

    init?(home: String) {
        guard Self.version != nil else { return nil }
        var handle: gpgme_ctx_t?
        guard gpgme_new(&handle) == 0, let handle else { return nil }
        self.handle = handle
        guard gpgme_set_protocol(handle, GPGME_PROTOCOL_OpenPGP) == 0,
            gpgme_ctx_set_engine_info(handle, GPGME_PROTOCOL_OpenPGP, nil, home) == 0
        else { return nil }
        gpgme_set_offline(handle, 1)
    }

    deinit { gpgme_release(handle) }

    /// The key with `fingerprint` (of the key or of a subkey) in the home's keyring, or nil.
    func key(_ fingerprint: String) -> OpenPGPKey? {
        var key: gpgme_key_t?
        guard gpgme_get_key(handle, fingerprint, &key, 0) == 0, let key else { return nil }
        defer { gpgme_key_unref(key) }
        return OpenPGPKey(key, signingFingerprint: fingerprint)
    }

    /// Every public key of the home's keyring.
    func keys() -> [OpenPGPKey] {
        guard gpgme_op_keylist_start(handle, nil, 0) == 0 else { return [] }
        var keys: [OpenPGPKey] = []
        var key: gpgme_key_t?
        while gpgme_op_keylist_next(handle, &key) == 0, let found = key {
            keys.append(OpenPGPKey(found, signingFingerprint: ""))
            gpgme_key_unref(found)
            key = nil
        }
        _ = gpgme_op_keylist_end(handle)
        return keys
    }
}
