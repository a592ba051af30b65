import RolloutCore

/// The stable hash the gateway's Message-IDs are made with: FNV-1a over 64 bits, written in base 36.
enum MessageIDHash {
    /// FNV-1a of the text's UTF-8 bytes.
    static func of(_ text: String) -> UInt64 {
        // Over the contiguous bytes: the UTF-8 view's iterator cost twice the instructions per byte.
        var text = text
        return text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return hash
        }
    }

    /// The hash of an address in 13 base-36 digits, zero-padded: every ID made with it has one length, so that a
    /// header holding it folds alike in every copy (``MailComposer/copy(of:composedFrom:as:)``).
    static func fixedWidth(_ recipient: EmailAddress) -> String {
        fixedWidth(of(recipient.key))
    }

    /// A 64-bit hash in 13 base-36 digits, zero-padded.
    static func fixedWidth(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 36)
        return String(repeating: "0", count: max(0, 13 - digits.count)) + digits
    }
}
