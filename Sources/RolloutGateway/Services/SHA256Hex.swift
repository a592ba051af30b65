import Crypto

/// The SHA-256 of bytes in lower-case hexadecimal, as `sha256sum` prints it.
public enum SHA256Hex {
    public static func of(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
