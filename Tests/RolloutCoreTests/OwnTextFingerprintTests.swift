import RolloutCore
import TestSupport
import Testing

@Suite("Fingerprints of sent text: words read by byte where the text is ASCII")
struct OwnTextFingerprintTests {
    /// The fingerprint as it was computed before 2026-12-07: every scalar decoded, the shingles kept in a set.
    private static func reference(_ text: String) -> [UInt32] {
        let words = OwnTextReference.words(text)
        var shingles = Set<UInt32>()
        if words.count >= 3 {
            for start in 0...(words.count - 3) {
                var shingle = OwnTextReference.offset
                for word in words[start..<(start + 3)] { OwnTextReference.mix(&shingle, word) }
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
        var random = SeededRandom(state: 2026_12_07)
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

    @Test("the stored form: each hash in four bytes, little-endian, as stores already hold it")
    func storedForm() {
        let stored: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0xF0, 0xDE, 0xBC, 0x9A]
        let fingerprint = OwnTextFingerprint(bytes: stored)
        #expect(fingerprint.shingles == [0x0403_0201, 0x9ABC_DEF0])
        #expect(fingerprint.bytes == stored)
        let text = OwnTextFingerprint(text: "The packages are in the StageRollOut repository of EMI-1.0")
        #expect(text.bytes.count == text.shingles.count * 4)
        #expect(OwnTextFingerprint(bytes: text.bytes) == text)
    }
}
