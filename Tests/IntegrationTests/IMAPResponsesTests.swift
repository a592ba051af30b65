@testable import MailCurl
import Testing

/// Reading the response lines of a batch download, as libcurl hands them over.
@Suite("IMAP FETCH responses")
struct IMAPResponsesTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("UID sets: 64 UIDs a command by default; without a count limit, split only where the set would pass 4,000 characters")
    func uidSetsSplit() {
        let contiguous = Array(UInt32(1)...2_500)
        #expect(IMAPResponses.uidSets(contiguous).count == 40)
        #expect(IMAPResponses.uidSets(contiguous, maxCount: Int.max) == ["1:2500"])
        let everyOther = stride(from: UInt32(1), through: 5_000, by: 2).map { $0 }
        let sets = IMAPResponses.uidSets(everyOther, maxCount: Int.max)
        #expect(sets.count > 1)
        #expect(sets.allSatisfy { $0.utf8.count <= 4_000 })
        #expect(sets.flatMap { IMAPResponses.expand($0) } == everyOther)
    }

    @Test("ENABLED names what the server enabled, whatever the case; other lines and other words say nothing")
    func enabled() {
        #expect(IMAPResponses.enabled(Self.bytes("* ENABLED QRESYNC CONDSTORE\r\n")) == ["QRESYNC", "CONDSTORE"])
        #expect(IMAPResponses.enabled(Self.bytes("* enabled qresync\r\n")) == ["QRESYNC"])
        #expect(IMAPResponses.enabled(Self.bytes("* ENABLED\r\n* OK QRESYNC is nice\r\n")).isEmpty)
        #expect(IMAPResponses.enabled(Self.bytes("* CAPABILITY ENABLED QRESYNC\r\nA001 OK ENABLED QRESYNC\r\n")).isEmpty)
    }

    @Test("bodies are cut by their literal lengths; other lines and flag-only FETCHes are skipped")
    func readsBodies() {
        let first = "Subject: a\r\n\r\n* not a response\r\nA004 OK not the end\r\n"
        let second = "Subject: b\r\n\r\nno final line end"
        let stream = Self.bytes(
            "* OK [UIDVALIDITY 7] UIDs valid\r\nA003 OK [READ-WRITE] Select completed.\r\n"
                + "* 1 FETCH (UID 5 BODY[] {\(first.utf8.count)}\r\n\(first))\r\n"
                + "* 9 FETCH (FLAGS (\\Seen $Forwarded))\r\n"
                + "* 2 FETCH (BODY[] {\(second.utf8.count)}\r\n\(second) UID 6 FLAGS ())\r\n"
                + "* 3 FETCH (UID 7 BODY[] NIL)\r\n"
                + "A004 OK Fetch completed (0.001 + 0.000 secs).\r\n")

        let bodies = IMAPResponses.fetchedBodies(stream)

        #expect(bodies?.count == 2)
        #expect(bodies?[5] == Self.bytes(first))
        #expect(bodies?[6] == Self.bytes(second))
    }

    @Test("a response cut short, or with bytes missing from a literal, does not read", arguments: [
        "* 1 FETCH (UID 5 BODY[] {20}\r\nSubject: a\r\n\r\nA004 OK Fetch completed.\r\n",
        "* 1 FETCH (UID 5 BODY[] {12}\r\nSubject: a\r\n)\r\n* 2 FETCH (UID 6 BODY[] {40}\r\nSubject: b\r\n)\r\nA004 OK\r\n",
        "* 1 FETCH (UID 5 BODY[] {5}\r\nabcdefgh)\r\n",
        "* 1 FETCH (UID 5 BODY[] {5}",
        "* 1 FETCH (UID x BODY[] {1}\r\na)\r\n",
    ])
    func refusesInexactResponses(stream: String) {
        #expect(IMAPResponses.fetchedBodies(Self.bytes(stream)) == nil)
    }

    @Test("lists as servers write them: empty, nested, a space before the close, sections and literals inside", arguments: [
        ("* 1 FETCH (FLAGS () UID 3 BODY[] {1}\r\na)\r\n", true),
        ("* 1 FETCH (X-GM-LABELS (\"a b\" (c {2}\r\nde) ) UID 3 BODY[] {1}\r\na)\r\n", true),
        ("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL) (\"text\" \"html\" NIL) \"alternative\") UID 3 BODY[] {1}\r\na)\r\n", true),
        ("* 1 FETCH (FLAGS ((a)(b)) UID 3 BODY[] {1}\r\na)\r\n", false),
        ("* 1 FETCH (FLAGS (a) ) UID 3 BODY[] {1}\r\na)\r\n", false),
        ("* 1 FETCH (FLAGS ) UID 3 BODY[] {1}\r\na)\r\n", false),
        ("* 1 FETCH (FLAGS (a\r\n", false),
    ])
    func lists(stream: String, reads: Bool) {
        #expect((IMAPResponses.fetchedBodies(Self.bytes(stream)) == [3: Self.bytes("a")]) == reads)
    }
}
