import Foundation
import Testing

@testable import MailCurl

/// Server answers the fuzzer (Fuzz/IMAPResponses, scripts/fuzz.sh) found fatal, kept in `fixtures/fuzz/imap-responses/`
/// and read again the way the fuzz target reads them.
@Suite("IMAP answers the fuzzer found")
struct IMAPFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz/imap-responses")
    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("the findings are on disk")
    func findingsExist() {
        #expect(Self.files.count >= 2)
    }

    @Test("a set of hundreds of millions of UIDs is read within the bound, not as gigabytes", arguments: files)
    func replay(file: URL) throws {
        // Given a fuzzer input (before the bound: an allocation of 2 to 16 GB, the process killed)
        let bytes = Array(try Data(contentsOf: file))
        // When it is read as a SEARCH answer and as a sequence set
        let searched = IMAPResponses.searchedUIDs(bytes)
        let expanded = IMAPResponses.expand(String(decoding: bytes, as: UTF8.self))
        // Then neither names more than the bound
        #expect(searched.count <= IMAPResponses.maximumExpandedUIDs)
        #expect(expanded.count <= IMAPResponses.maximumExpandedUIDs)
    }

    @Test("an ESEARCH answer of every UID gives the lowest million, ascending, over several lines")
    func lowestFirst() {
        let answer = Array("* ESEARCH (TAG \"A4\") UID ALL 4000000:4294967295\r\n* ESEARCH (TAG \"A4\") UID ALL 5,1:3\r\nA4 OK\r\n".utf8)
        let uids = IMAPResponses.searchedUIDs(answer)
        #expect(uids.count == IMAPResponses.maximumExpandedUIDs)
        #expect(Array(uids.prefix(4)) == [1, 2, 3, 5])
        #expect(uids.last == 4_000_000 + UInt32(IMAPResponses.maximumExpandedUIDs) - 5)
    }

    @Test("small sets keep their order and every UID")
    func smallSets() {
        #expect(IMAPResponses.expand("7,1:3,9:10") == [7, 1, 2, 3, 9, 10])
        #expect(IMAPResponses.expand("3:1,x,*,5") == [1, 2, 3, 5])
    }

    @Test("lists a megabyte deep are read without recursion, closed or not")
    func deepLists() {
        // A hostile server's nesting: the fuzzer's input repeated to 1 MiB overflowed the recursive reader's stack.
        let depth = 1_000_000
        let closed = "* 1 FETCH (FLAGS " + String(repeating: "(", count: depth) + String(repeating: ")", count: depth)
            + " UID 7 BODY[] {3}\r\nabc)\r\n"
        #expect(IMAPResponses.fetchedBodies(Array(closed.utf8)) == [7: Array("abc".utf8)])

        let unclosed = "* 1 FETCH (UID 7 FLAGS " + String(repeating: "((a ", count: depth / 4) + "\r\n"
        #expect(IMAPResponses.fetchedBodies(Array(unclosed.utf8)) == nil)
    }
}
