internal import CGMime

/// SHA-256 through GLib, which GMime already links.
enum Digest {
    /// Lower-case hex SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        let input = bytes.isEmpty ? [0] : bytes  // GLib wants a non-NULL pointer even for no data
        let hex = input.withUnsafeBufferPointer { buffer in
            g_compute_checksum_for_data(G_CHECKSUM_SHA256, buffer.baseAddress!, gsize(bytes.count))
        }
        guard let hex else { return "" }
        defer { g_free(hex) }
        return String(cString: hex)
    }
}
