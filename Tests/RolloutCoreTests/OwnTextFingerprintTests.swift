import RolloutCore
import Testing

@Suite("Fingerprints of sent text: words read by byte where the text is ASCII")
struct OwnTextFingerprintTests {
    /// The fingerprint as it was computed before 2026-12-07: every scalar decoded, the shingles kept in a set.
    private static func reference(_ text: String) -> [UInt32] {
        let offset: UInt32 = 0x811C_9DC5, prime: UInt32 = 0x0100_0193
        func mix(_ hash: inout UInt32, _ value: UInt32) {
            var value = value
            for _ in 0..<4 {
                hash = (hash ^ (value & 0xFF)) &* prime
                value >>= 8
            }
        }
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
        var shingles = Set<UInt32>()
        if words.count >= 3 {
            for start in 0...(words.count - 3) {
                var shingle = offset
                for word in words[start..<(start + 3)] { mix(&shingle, word) }
                shingles.insert(shingle)
            }
        }
        return shingles.sorted()
    }

    @Test("the same shingles as every scalar decoded, on texts of many scripts, marks and separators")
    func sameAsDecoded() {
        // Pieces that meet at every kind of boundary: ASCII letters of both cases, digits, punctuation, a letter with
        // a combining accent, scalars of two, three and four bytes, letters whose lower case is two scalars (İ),
        // digits of other scripts, non-breaking and ideographic spaces, an emoji, line breaks.
        let pieces = ["Staged", "ROLLOUT", "ea-NGI_IT", "1.8.0-1", " ", "  ", "\n", "\r\n", "> ", ", ", "—", "é", "e\u{301}",
                      "Ünïcödé", "İstanbul", "ß", "Ωμέγα", "日本語", "٣٤", "\u{A0}", "\u{3000}", "😀", "𝒜𝒷", "ﬁle", "x"]
        var random = AuthenticationResultsFieldGenerator.SeededRandom(state: 2026_12_07)
        var texts = ["", "one", "two words", "three words here", "Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64",
                     "Dear team,\n\nplease accept NGI_IT-INFN-T1 by Mon 2026-11-30 15:00 +01:00.\n\n-- \nEGI Staged Rollout\n"]
        for _ in 0..<3_000 {
            let count = Int(random.next() % 40)
            texts.append((0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            #expect(OwnTextFingerprint(text: text).shingles == Self.reference(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }
}
