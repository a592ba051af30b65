extension StringProtocol {
    /// Whether `other` occurs in the text, compared byte for byte in UTF-8.
    ///
    /// For phrases matched against lower-cased text, many times per message. Foundation's `contains(_:)` goes
    /// through NSString on Linux, and the standard library's generic `firstRange(of:)` spends most of its time
    /// looking up generic metadata: each cost a twentieth of the time spent reading a message.
    public func containsBytes(_ other: some StringProtocol) -> Bool {
        var text = String(self)
        var phrase = String(other)
        return text.withUTF8 { text in
            phrase.withUTF8 { phrase in
                guard let first = phrase.first else { return true }
                guard phrase.count <= text.count else { return false }
                var start = 0
                while start <= text.count - phrase.count {
                    if text[start] == first {
                        var offset = 1
                        while offset < phrase.count, text[start + offset] == phrase[offset] { offset += 1 }
                        if offset == phrase.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}
