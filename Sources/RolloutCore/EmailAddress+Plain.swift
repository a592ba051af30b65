extension EmailAddress {
    /// Whether `text` is a plain mailbox as the gateway accepts one wherever it comes from (the configuration file, the
    /// directory): one `@`, not first, a `.` after it; no white space, control character, `<` or `>` — nothing that
    /// could end the header line or SMTP command it is written on, or split into two recipients where a list of them
    /// is stored one per line.
    ///
    /// Printable ASCII is checked byte by byte; only other text is split into characters and asks each character's
    /// Unicode properties (which cost a tenth of reading a file of a thousand teams).
    public static func isPlainMailbox(_ text: String) -> Bool {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) {
            guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
            let domain = bytes[bytes.index(after: at)...]
            return at != bytes.startIndex && !domain.contains(UInt8(ascii: "@")) && domain.contains(UInt8(ascii: "."))
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0 == "<" || $0 == ">" || $0.breaksOrHidesText })
    }
}
