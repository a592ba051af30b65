import RolloutCore
import Testing

@Suite("The last ASCII character of a text, found by its byte")
struct LastASCIIIndexTests {
    /// Every printable ASCII character the search takes, and the texts searched: plain ones, where the byte is the
    /// answer, and ones where a mark joins the byte to its neighbour, where the character search must answer.
    static let searchable = (0x20...0x7E).map { Unicode.Scalar(UInt8($0)) }.filter { !";K`".unicodeScalars.contains($0) }
    static let texts = [
        "rg.42.team-assigned.x@rollout.example.org", "<ticket-7@EXAMPLE.org>", "EMI-1.0", "a@b@c", "@", "-", "", "x@",
        "a b\tc#d:e/f.g<h>i\"j'k(l)m[n]o{p}q|r~s^t_u+v=w*x&y%z$!?,", "no such character here",
        // A combining acute accent after the last @ or - makes one character of the two.
        "a@b@\u{301}c", "only@\u{301}", "a@\u{301}b@", "EMI-1.0-\u{301}", "é@x", "a@é", "ﬁ@ﬁ",
        // U+0600 is a prepended mark: with the character after it, one character.
        "a@b\u{600}@c", "\u{600}@", "x-\u{600}-y",
        // A variation selector, a zero-width joiner, an emoji modifier after the character.
        "a#\u{FE0F}b#", "1-\u{200D}2", "@\u{1F3FD}", "👩‍👩‍👧@👍🏽", "\r\n@\r\n-",
    ]

    @Test("the same index as the character search, for every character it takes and every text", arguments: texts)
    func sameAsCharacterSearch(text: String) {
        for ascii in Self.searchable {
            #expect(text.lastIndex(ofASCII: ascii) == text.lastIndex(of: Character(ascii)), "\(ascii) in \(Array(text.unicodeScalars))")
        }
    }

    @Test("a combining mark after the last @ byte: the character search's answer, not the byte's")
    func combiningMarkFallsBack() throws {
        let text = "a@b@\u{301}c"
        let found = try #require(text.lastIndex(ofASCII: "@"))
        #expect(text[found...] == "@b@\u{301}c")
        #expect(text.utf8.lastIndex(of: UInt8(ascii: "@")) != found)
    }

    @Test("why CR, LF, ';', 'K' and '`' are not taken: a byte search would answer otherwise")
    func excludedCharacters() {
        #expect("\r\n".lastIndex(of: "\n") == nil && "\r\n".utf8.lastIndex(of: 0x0A) != nil)
        for (ascii, equal) in [(";", "\u{37E}"), ("K", "\u{212A}"), ("`", "\u{1FEF}")] {
            let text = "a\(ascii)b\(equal)"
            #expect(Character(ascii) == Character(equal))
            #expect(text.lastIndex(of: Character(ascii)) != text.utf8.lastIndex(of: UInt8(ascii.unicodeScalars.first!.value)))
        }
    }
}
