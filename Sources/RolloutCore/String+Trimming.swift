extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs and other horizontal white space).
    ///
    /// Foundation's `trimmingCharacters(in:)` goes through NSString on Linux and showed up as a tenth of the
    /// time spent reading a reply; this stays in Swift.
    public func trimmingWhitespace() -> String {
        trimming { $0.properties.isWhitespace && $0 != "\n" && $0 != "\r" && $0 != "\u{0B}" && $0 != "\u{0C}" && $0 != "\u{85}" && $0 != "\u{2028}" && $0 != "\u{2029}" }
    }

    /// The text without leading and trailing white space, line breaks included.
    public func trimmingWhitespaceAndNewlines() -> String {
        trimming { $0.properties.isWhitespace }
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
