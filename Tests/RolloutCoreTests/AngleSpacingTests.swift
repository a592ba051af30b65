@testable import RolloutCore
import Testing

/// An attribution's address written against its verb (`<m@x>wrote:`) gets a space: by byte for ASCII now, as the
/// character walk it replaces did.
@Suite("A space after `>` before a letter: the same text by byte as by character")
struct AngleSpacingTests {
    private static func reference(_ text: String) -> String {
        var out = ""
        var previous: Character?
        for character in text {
            if previous == ">", character.isLetter { out.append(" ") }
            out.append(character)
            previous = character
        }
        return out
    }

    @Test("random lines of angles, letters, digits, line ends and other characters")
    func sameAsCharacters() {
        var random = AuthenticationResultsFieldGenerator.SeededRandom(state: 2026_12_07_4)
        let pieces = [">", "<", "a", "Z", "m@x.org", "wrote:", " ", "1", "_", "\r\n", "\r", "\n", "é", "e\u{301}", ">\u{301}", "日", "ß"]
        var texts = ["", ">", ">a", "<m@x.org>wrote:", "> >b", ">>c", ">1", ">_x", ">\r\nx"]
        for _ in 0..<3_000 {
            texts.append((0..<Int(random.next() % 20)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            #expect(OldText.spacedAfterAngle(text) == Self.reference(text), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
