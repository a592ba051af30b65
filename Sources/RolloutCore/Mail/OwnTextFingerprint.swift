/// A compact fingerprint of the text of a message the gateway sent: what ``OwnText`` needs to find that text again in a
/// reply, however the reply's mail program copied it (issue 12).
///
/// The text is read as a stream of words — runs of letters and digits, lower-cased — so that quote marks (`>`, `|`),
/// indentation, emphasis (`*bold*`), punctuation that HTML-to-text conversion adds or drops, whitespace and line breaks
/// (re-wrapping, quoted-printable and `format=flowed` soft breaks) do not matter. The fingerprint is the set of hashes of
/// every ``shingleLength`` consecutive words: about four bytes per word of the sent text.
public struct OwnTextFingerprint: Sendable, Equatable {
    /// Words per shingle.
    public static let shingleLength = 3

    /// The shingle hashes, sorted, without repeats.
    public private(set) var shingles: [UInt32]

    /// The fingerprint of a sent message's text.
    public init(text: String) {
        let words = Self.words(in: text)
        // Sorted, then repeats removed: a few hundred hashes sort faster than a set hashes them again.
        var hashes: [UInt32] = []
        if words.count >= Self.shingleLength {
            hashes.reserveCapacity(words.count - Self.shingleLength + 1)
            for start in 0...(words.count - Self.shingleLength) {
                hashes.append(Self.shingle(words[start..<(start + Self.shingleLength)]))
            }
        }
        hashes.sort()
        var unique = 0
        for hash in hashes where unique == 0 || hashes[unique - 1] != hash {
            hashes[unique] = hash
            unique += 1
        }
        hashes.removeLast(hashes.count - unique)
        shingles = hashes
    }

    /// A fingerprint as stored (``bytes``).
    public init(bytes: [UInt8]) {
        var shingles: [UInt32] = []
        shingles.reserveCapacity(bytes.count / 4)
        var index = 0
        while index + 4 <= bytes.count {
            shingles.append(
                UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                    | UInt32(bytes[index + 3]) << 24)
            index += 4
        }
        self.shingles = shingles
    }

    /// The fingerprint for storing: each hash in four bytes, little-endian.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(shingles.count * 4)
        // Byte by byte: an array literal per hash was an allocation per shingle.
        for hash in shingles {
            bytes.append(UInt8(truncatingIfNeeded: hash))
            bytes.append(UInt8(truncatingIfNeeded: hash >> 8))
            bytes.append(UInt8(truncatingIfNeeded: hash >> 16))
            bytes.append(UInt8(truncatingIfNeeded: hash >> 24))
        }
        return bytes
    }

    public var isEmpty: Bool { shingles.isEmpty }

    // MARK: Words and hashes (shared with ``OwnText``)

    /// The hashes of a text's words in order: runs of letters and digits, lower-cased; everything else separates.
    static func words(in text: Substring) -> [UInt32] {
        var words: [UInt32] = []
        appendWords(of: text, to: &words)
        return words
    }

    /// Appends the hashes of a text's words to `words` (``words(in:)``), for a caller reading many lines as one stream.
    @discardableResult
    static func appendWords(of text: Substring, to words: inout [UInt32]) -> Int {
        let before = words.count
        var reader = WordReader()
        // ASCII is read by byte from the text's storage (most text is ASCII; decoding each scalar was half the cost);
        // any other scalar is decoded from its bytes where they start, which is where the ASCII bytes before it end.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte >= 0x80 else {
                    reader.ascii(byte, into: &words)
                    index += 1
                    continue
                }
                let (scalar, length) = Self.scalar(in: bytes, at: index)
                reader.other(scalar, into: &words)
                index += length
            }
        }
        if done == nil {
            let bytes = text.utf8
            let scalars = text.unicodeScalars
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                guard byte >= 0x80 else {
                    reader.ascii(byte, into: &words)
                    index = bytes.index(after: index)
                    continue
                }
                reader.other(scalars[index], into: &words)
                index = scalars.index(after: index)
            }
        }
        reader.endWord(into: &words)
        return words.count - before
    }

    /// The scalar whose UTF-8 bytes start at `index` (a lead byte of valid UTF-8, as a string's storage holds), and
    /// how many bytes it takes.
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = UInt32(lead) & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F)
        for offset in 1..<length {
            guard index + offset < bytes.count else { return ("\u{FFFD}", offset) }
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The word being read: its hash so far (FNV-1a over each scalar's four bytes, little-endian), and whether it has
    /// begun.
    private struct WordReader {
        var hash = fnvOffset
        var inWord = false

        /// An ASCII byte: a letter or digit adds to the word (its three zero bytes are three multiplications by the
        /// prime, made one by its fourth power); anything else ends it.
        @inline(__always)
        mutating func ascii(_ byte: UInt8, into words: inout [UInt32]) {
            switch byte {
            case 0x30...0x39, 0x61...0x7A:
                hash = (hash ^ UInt32(byte)) &* fnvPrimeToTheFourth
                inWord = true
            case 0x41...0x5A:
                hash = (hash ^ UInt32(byte + 0x20)) &* fnvPrimeToTheFourth
                inWord = true
            default:
                endWord(into: &words)
            }
        }

        mutating func other(_ scalar: Unicode.Scalar, into words: inout [UInt32]) {
            if OwnTextFingerprint.isCombiningMark(scalar) {
                return  // "é" written as "e" and a combining accent: the accent neither counts nor separates
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars { add(lowered.value) }
                inWord = true
            } else {
                endWord(into: &words)
            }
        }

        private mutating func add(_ scalar: UInt32) {
            var value = scalar
            for _ in 0..<4 {
                hash = (hash ^ (value & 0xFF)) &* fnvPrime
                value >>= 8
            }
        }

        mutating func endWord(into words: inout [UInt32]) {
            guard inWord else { return }
            words.append(hash)
            hash = fnvOffset
            inWord = false
        }
    }

    static func words(in text: String) -> [UInt32] { words(in: text[...]) }

    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// The hash of consecutive word hashes.
    static func shingle(_ words: ArraySlice<UInt32>) -> UInt32 {
        var hash = fnvOffset
        for word in words {
            var value = word
            for _ in 0..<4 {
                hash = (hash ^ (value & 0xFF)) &* fnvPrime
                value >>= 8
            }
        }
        return hash
    }

    // FNV-1a, 32 bits.
    static let fnvOffset: UInt32 = 0x811C_9DC5
    static let fnvPrime: UInt32 = 0x0100_0193
    /// The prime multiplied by itself four times (mod 2³²): one step for a byte followed by three zero bytes.
    static let fnvPrimeToTheFourth: UInt32 = fnvPrime &* fnvPrime &* fnvPrime &* fnvPrime
}
