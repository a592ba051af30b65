import Foundation
import MailGMime
import RolloutCore
import Testing

/// Messages the fuzzer (Fuzz/MIME, scripts/fuzz.sh) found costly, kept in `fixtures/fuzz/mime/` and read the way the
/// fuzz target reads them, repeated as its 1 MiB probe repeated them.
@Suite("Fuzz/MIME findings replayed")
struct FuzzFindingsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz/mime")
    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("the findings are on disk")
    func findingsExist() {
        #expect(!Self.files.isEmpty)
    }

    @Test(
        "a finding repeated to 2 MiB is parsed and its reply read within a time limit (before: a quadratic reply reading)",
        .timeLimit(.minutes(1)), arguments: files)
    func replay(file: URL) throws {
        // Given the finding repeated to 2 MiB: thousands of "Subject:" lines in the body (before the fix: minutes)
        let seed = Array(try Data(contentsOf: file))
        var raw: [UInt8] = []
        while raw.count < 2 << 20 { raw += seed }
        // When it is parsed and its reply read
        let message = GMimeMailParser().parse(raw)
        let reply = ReplyText(message.text)
        // Then it is read through (every line is new text or cut), within the time limit
        #expect(message.size == raw.count)
        #expect(reply.newLines.count + reply.cuts.reduce(0) { $0 + $1.text.count } > 1000)
    }
}
