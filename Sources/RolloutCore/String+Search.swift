extension StringProtocol {
    /// Whether every byte of the text is ASCII: where it is, bytes and characters compare alike (no combining marks,
    /// no CRLF holding a searched byte), so searches may go byte by byte.
    public var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }

    /// Whether `other` occurs in the text, compared byte for byte in UTF-8.
    ///
    /// For phrases matched against lower-cased text, many times per message. Foundation's `contains(_:)` goes
    /// through NSString on Linux, and the standard library's generic `firstRange(of:)` spends most of its time
    /// looking up generic metadata: each cost a twentieth of the time spent reading a message.
    public func containsBytes(_ other: some StringProtocol) -> Bool {
        firstByteOffset(of: other) != nil
    }

    /// Where `other` first occurs in the text, in UTF-8 bytes from its start, compared byte for byte.
    public func firstByteOffset(of other: some StringProtocol) -> Int? {
        var text = String(self)
        var phrase = String(other)
        return text.withUTF8 { text in
            phrase.withUTF8 { phrase in
                guard let first = phrase.first else { return 0 }
                guard phrase.count <= text.count else { return nil }
                var start = 0
                while start <= text.count - phrase.count {
                    if text[start] == first {
                        var offset = 1
                        while offset < phrase.count, text[start + offset] == phrase[offset] { offset += 1 }
                        if offset == phrase.count { return start }
                    }
                    start += 1
                }
                return nil
            }
        }
    }

    /// The text with every occurrence of `target` replaced by `replacement`, left to right without overlap, compared
    /// byte for byte in UTF-8: for ASCII text what Foundation's `replacingOccurrences(of:with:)` gives, without NSString.
    public func replacingBytes(_ target: String, with replacement: String) -> String {
        // Most texts hold no occurrence: given back as they are, without copying their bytes.
        guard !target.isEmpty, containsBytes(target) else { return String(self) }
        let text = Array(utf8)
        let target = Array(target.utf8)
        guard let first = target.first else { return String(self) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = 0
        var replaced = false
        while index < text.count {
            if text[index] == first, index + target.count <= text.count, text[index..<(index + target.count)].elementsEqual(target) {
                out += replacement.utf8
                index += target.count
                replaced = true
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return replaced ? String(decoding: out, as: UTF8.self) : String(self)
    }
}

extension String {
    /// The index of the last `ascii` character of the text — `lastIndex(of: Character)`, found by its byte. A byte
    /// between two ASCII bytes (or an end) is a character of its own: no combining mark follows it, no prepended mark
    /// comes before it. Otherwise the search is the standard library's, character by character, so that the answer
    /// is the same whatever the text. Not for CR and LF (CR LF is one character), nor for `;`, `K` and `` ` ``, which
    /// non-ASCII characters equal (U+037E, U+212A, U+1FEF). The character search costs about a hundred instructions
    /// per character, and a Message-ID's last `@` was looked for five times per message (BENCHMARKS.md, issue 24).
    public func lastIndex(ofASCII ascii: Unicode.Scalar) -> Index? {
        precondition(
            ascii.isASCII && !"\r\n;K`".unicodeScalars.contains(ascii),
            "lastIndex(ofASCII:) searches for an ASCII character that no other character equals")
        let bytes = utf8
        guard let at = bytes.lastIndex(of: UInt8(ascii.value)) else { return nil }
        let next = bytes.index(after: at)
        let standsAlone = (at == bytes.startIndex || bytes[bytes.index(before: at)] < 0x80) && (next == bytes.endIndex || bytes[next] < 0x80)
        return standsAlone ? at : lastIndex(of: Character(ascii))
    }
}
