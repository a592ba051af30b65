extension String {
    /// The text's physical lines: a line is what ends in LF or CRLF (SPEC §5 "Commands").
    ///
    /// Nothing else ends a line: a lone CR, VT, FF, NEL (U+0085), U+2028 and U+2029 stay inside the line that holds
    /// them, so that a quote mark at the start of a line covers all of it and what follows such a character is never
    /// read as a line of its own (`Character.isNewline`, true for all of them, must not be used to split mail text). A
    /// final line end is followed by an empty last line, as `split(omittingEmptySubsequences: false)` gives.
    public var physicalLines: [String] {
        var text = self
        return text.withUTF8 { bytes in
            var lines: [String] = []
            var start = 0
            while let found = bytes[start...].firstIndex(of: 0x0A) {
                let end = found > start && bytes[found - 1] == 0x0D ? found - 1 : found
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                start = found + 1
            }
            lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            return lines
        }
    }
}
