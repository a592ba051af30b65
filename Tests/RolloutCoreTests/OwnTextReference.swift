/// Words as ``OwnTextFingerprint`` read them before 2026-12-07: every scalar decoded, four FNV-1a steps each. The
/// reference the fingerprint and own-text tests compare the faster code with.
enum OwnTextReference {
    static let offset: UInt32 = 0x811C_9DC5
    static let prime: UInt32 = 0x0100_0193

    /// One FNV-1a step for each of `value`'s four bytes, the lowest first.
    static func mix(_ hash: inout UInt32, _ value: UInt32) {
        var value = value
        for _ in 0..<4 {
            hash = (hash ^ (value & 0xFF)) &* prime
            value >>= 8
        }
    }

    static func words(_ text: String) -> [UInt32] {
        var words: [UInt32] = [], hash = offset, inWord = false
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            if scalar.isASCII {
                switch scalar.value {
                case 0x30...0x39, 0x61...0x7A: mix(&hash, scalar.value)
                case 0x41...0x5A: mix(&hash, scalar.value + 0x20)
                default:
                    if inWord { words.append(hash); hash = offset; inWord = false }
                    continue
                }
                inWord = true
            } else if category == .nonspacingMark || category == .spacingMark || category == .enclosingMark {
                continue
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars { mix(&hash, lowered.value) }
                inWord = true
            } else if inWord {
                words.append(hash); hash = offset; inWord = false
            }
        }
        if inWord { words.append(hash) }
        return words
    }
}
