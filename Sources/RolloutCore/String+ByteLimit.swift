extension String {
    /// At most `limit` bytes of its UTF-8, cut on a scalar boundary (however many combining marks one character
    /// holds): the one cutter for names and values that must fit a byte budget (an attachment's file name, a name in
    /// the report bundle).
    public func prefix(utf8Bytes limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= limit else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
