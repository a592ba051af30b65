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
        for hash in shingles {
            bytes += [
                UInt8(truncatingIfNeeded: hash), UInt8(truncatingIfNeeded: hash >> 8),
                UInt8(truncatingIfNeeded: hash >> 16), UInt8(truncatingIfNeeded: hash >> 24),
            ]
        }
        return bytes
    }

    public var isEmpty: Bool { shingles.isEmpty }

    // MARK: Words and hashes (shared with ``OwnText``)

    /// The hashes of a text's words in order: runs of letters and digits, lower-cased; everything else separates.
    static func words(in text: Substring) -> [UInt32] {
        var words: [UInt32] = []
        var hash: UInt32 = fnvOffset
        var inWord = false
        func add(_ scalar: UInt32) {
            var value = scalar
            for _ in 0..<4 {
                hash = (hash ^ (value & 0xFF)) &* fnvPrime
                value >>= 8
            }
        }
        func endWord() {
            guard inWord else { return }
            words.append(hash)
            hash = fnvOffset
            inWord = false
        }
        // ASCII is read by byte (most sent text is ASCII; decoding each scalar was half the cost); any other scalar
        // is decoded where its bytes start, which is where the ASCII bytes before it end.
        let bytes = text.utf8
        let scalars = text.unicodeScalars
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte >= 0x80 else {
                switch byte {
                case 0x30...0x39, 0x61...0x7A:
                    add(UInt32(byte))
                    inWord = true
                case 0x41...0x5A:
                    add(UInt32(byte) + 0x20)
                    inWord = true
                default: endWord()
                }
                index = bytes.index(after: index)
                continue
            }
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if Self.isCombiningMark(scalar) {
                continue  // "é" written as "e" and a combining accent: the accent neither counts nor separates
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars { add(lowered.value) }
                inWord = true
            } else {
                endWord()
            }
        }
        endWord()
        return words
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
}
