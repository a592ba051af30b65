import RolloutCore
import Testing

@Suite("The last ASCII character of a text, found by its byte")
struct LastASCIIIndexTests {
    @Test(
        "the same index as the character search, combining and prepended marks included",
        arguments: [
            "rg.42.team-assigned.x@rollout.example.org", "a@b@c", "@", "no at sign", "", "x@",
            // A combining acute accent after the last @ makes "@́" one character: the character search finds the one before.
            "a@b@\u{301}c", "only@\u{301}", "a@\u{301}b@", "é@x", "a@é", "ﬁ@ﬁ",
            // U+0600 is a prepended mark: with the @ after it, one character.
            "a@b\u{600}@c", "\u{600}@",
            "\r\n@\r\n", "👩‍👩‍👧@👍🏽", "ticket-7@EXAMPLE.org\u{301}",
        ])
    func sameAsCharacterSearch(text: String) {
        #expect(text.lastIndex(ofASCII: "@") == text.lastIndex(of: "@"), "\(Array(text.unicodeScalars))")
        #expect(text.lastIndex(ofASCII: "-") == text.lastIndex(of: "-"))
    }

    @Test("a combining mark after the last @ byte: the character search's answer, not the byte's")
    func combiningMarkFallsBack() throws {
        let text = "a@b@\u{301}c"
        let found = try #require(text.lastIndex(ofASCII: "@"))
        #expect(text[found...] == "@b@\u{301}c")
        #expect(text.utf8.lastIndex(of: UInt8(ascii: "@")) != found)
    }
}
