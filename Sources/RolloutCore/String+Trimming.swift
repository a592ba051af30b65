extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs and other horizontal white space).
    ///
    /// Foundation's `trimmingCharacters(in:)` goes through NSString on Linux and showed up as a tenth of the
    /// time spent reading a reply; this stays in Swift.
    public func trimmingWhitespace() -> String {
        trimming(ascii: { $0 == 0x20 || $0 == 0x09 }) {
            $0.properties.isWhitespace && $0 != "\n" && $0 != "\r" && $0 != "\u{0B}" && $0 != "\u{0C}" && $0 != "\u{85}" && $0 != "\u{2028}" && $0 != "\u{2029}"
        }
    }

    /// The text without leading and trailing white space, line breaks included.
    public func trimmingWhitespaceAndNewlines() -> String {
        trimming(ascii: { $0 == 0x20 || (0x09...0x0D).contains($0) }) { $0.properties.isWhitespace }
    }

    /// ``trimming(_:)`` by byte while the ends are ASCII, where `dropASCII` says of a byte what `drop` says of its scalar:
    /// most lines start and end with an ASCII letter, and are then given back as they are, without looking further.
    private func trimming(ascii dropASCII: (UInt8) -> Bool, _ drop: (Unicode.Scalar) -> Bool) -> String {
        var text = String(self)
        // The bytes kept, when both ends are ASCII once the ASCII blanks are gone; nil when a longer scalar is at an end.
        let kept: Range<Int>? = text.withUTF8 { bytes in
            var (start, end) = (0, bytes.count)
            while start < end, bytes[start] < 0x80, dropASCII(bytes[start]) { start += 1 }
            while start < end, bytes[end - 1] < 0x80, dropASCII(bytes[end - 1]) { end -= 1 }
            // A scalar of more than one byte at either end: whether it goes is its properties' say.
            guard start == end || (bytes[start] < 0x80 && bytes[end - 1] < 0x80) else { return nil }
            return start..<end
        }
        guard let kept else { return trimming(drop) }
        if kept.count == text.utf8.count { return text }
        return text.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[kept]), as: UTF8.self) }
    }

    /// The text without leading and trailing scalars among `scalars`: `trimmingCharacters(in: CharacterSet(charactersIn:
    /// scalars))` without Foundation (which goes through NSString on Linux: a seventh of the time spent reading a reply).
    public func trimming(anyOf scalars: String) -> String {
        trimming { scalars.unicodeScalars.contains($0) }
    }

    private func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let end = scalars.index(after: scalars.lastIndex(where: { !drop($0) })!)
        // The bytes between two scalar boundaries, copied at once (not scalar by scalar).
        return String(decoding: utf8[first..<end], as: UTF8.self)
    }
}
