@testable import RolloutCore
import TestSupport
import Testing

/// An attribution's address written against its verb (`<m@x>wrote:`) gets a space: by byte for ASCII text, by
/// character for the rest; on ASCII text the two must agree.
@Suite("A space after `>` before a letter: the same text by byte as by character")
struct AngleSpacingTests {
    @Test("random lines of angles, letters, digits, line ends and other characters")
    func sameAsCharacters() {
        var random = SeededRandom(state: 2026_12_07_4)
        let pieces = [">", "<", "a", "Z", "m@x.org", "wrote:", " ", "1", "_", "\r\n", "\r", "\n", "é", "e\u{301}", ">\u{301}", "日", "ß"]
        var texts = ["", ">", ">a", "<m@x.org>wrote:", "> >b", ">>c", ">1", ">_x", ">\r\nx"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(random.next() % 20)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        var ascii = 0
        for text in texts where text.isASCII {
            #expect(OldText.spacedAfterAngle(ascii: text) == OldText.spacedAfterAngle(characters: text), "\(text.unicodeScalars.map(\.value))")
            ascii += 1
        }
        #expect(ascii > 500)
        #expect(OldText.spacedAfterAngle("<m@x.org>wrote: é") == "<m@x.org> wrote: é")
        #expect(OldText.spacedAfterAngle("<m@x.org>écrit") == "<m@x.org> écrit")
        #expect(OldText.spacedAfterAngle("<m@x.org>\u{301}a") == "<m@x.org>\u{301}a")
    }
}
