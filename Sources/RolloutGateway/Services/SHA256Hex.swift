import Crypto

/// The SHA-256 of bytes in lower-case hexadecimal, as `sha256sum` prints it.
public enum SHA256Hex {
    public static func of(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Bytes as lower-case hexadecimal, two digits each. Written from a table: `String(format: "%02x")` per byte was
    /// a twentieth of an ingest (every message's replay keys are hashes).
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
