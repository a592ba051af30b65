import Testing
import TestSupport

@testable import RolloutCore

/// The text identity of a message (``ReplayIdentity``) is kept in the store: its words must be spaced exactly as the
/// split by character spaced them (issue 24 reads ASCII lines by byte), or a replay sent before an upgrade would pass
/// after it.
@Suite("ReplayIdentity: words spaced as the split by character spaced them")
struct ReplayIdentityWordsTests {
    /// The spacing before the byte path: split at blank and tab characters, joined by one blank.
    static func byCharacter(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    @Test("20,000 random lines of blanks, tabs, CR, LF, letters, non-ASCII letters and combining marks")
    func sameAsByCharacter() {
        var random = SeededRandom(state: 12)
        let pieces = [" ", "  ", "\t", " \t ", "a", "accept", "NGI_IT", "-", "\r", "\r\n", "\n", "é", "e\u{301}", " \u{301}",
                      "\t\u{300}", "ü", "日本", "\u{200B}", "\u{A0}", "x"]
        for _ in 0..<20_000 {
            let line = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(ReplayIdentity.wordsSpaced(line) == Self.byCharacter(line), "\(line.debugDescription)")
        }
        #expect(ReplayIdentity.wordsSpaced("  accept \t NGI_IT-INFN-T1  ") == "accept NGI_IT-INFN-T1")
        #expect(ReplayIdentity.wordsSpaced(" \t ") == "")
    }
}
