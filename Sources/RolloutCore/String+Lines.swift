extension String {
    /// The text's physical lines: a line is what ends in LF or CRLF (SPEC §5 "Commands").
    ///
    /// Nothing else ends a line: a lone CR, VT, FF, NEL (U+0085), U+2028 and U+2029 stay inside the line that holds
    /// them, so that a quote mark at the start of a line covers all of it and what follows such a character is never
    /// read as a line of its own (`Character.isNewline`, true for all of them, must not be used to split mail text). A
    /// final line end is followed by an empty last line, as `split(omittingEmptySubsequences: false)` gives.
    public var physicalLines: [String] {
        var lines: [String] = []
        let bytes = utf8
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == 0x0A {
                var end = index
                if end != start, bytes[bytes.index(before: end)] == 0x0D { end = bytes.index(before: end) }
                lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        lines.append(String(decoding: bytes[start..<bytes.endIndex], as: UTF8.self))
        return lines
    }
}
