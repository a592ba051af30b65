import Foundation
import RolloutCore
import Testing

/// Inputs the fuzzers (Fuzz/, scripts/fuzz.sh) found crashing, kept in `fixtures/fuzz/TARGET/` and replayed the way
/// the fuzz target reads them, so that the crash stays fixed.
@Suite("Fuzzer findings replayed")
struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz")

    static func files(_ target: String) -> [URL] {
        let folder = fixtures.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("the command-grammar findings are on disk")
    func commandGrammarFindingsExist() {
        #expect(Self.files("command-grammar").count >= 2)
    }

    @Test("a line of only line breaks (CR, VT, FF) is text, not a trap", arguments: files("command-grammar"))
    func commandGrammar(file: URL) throws {
        // Given a fuzzer input, read line by line as Fuzz/CommandGrammar does
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // When each line is read (this trapped before the fix)
            let reading = CommandGrammar.read(String(line))
            // Then a line without words is conversation
            if line.allSatisfy(\.isWhitespace) || line.allSatisfy({ $0.isWhitespace || $0 == "." }) {
                #expect(reading == .text, "\(Array(line.utf8))")
            }
            _ = CommandGrammar.ggusTicket(inURL: String(line))
        }
    }

    @Test("CR, VT and FF alone are text", arguments: ["\r", "\u{0B}", "\u{0C}.", " \r ", "\u{0C}\u{0B}"])
    func lineBreaksAlone(line: String) {
        #expect(CommandGrammar.read(line) == .text)
    }
}

/// Reply reading on the shape Fuzz/MIME found quadratic: a long run of header-like lines with no From among them.
@Suite("Fuzzer findings replayed: reply reading in linear time")
struct ReplyTextCostTests {
    @Test(
        "ten thousand 'Subject:' lines are read as new text in well under a minute (before: over half an hour)",
        .timeLimit(.minutes(1)))
    func runOfHeaderLines() {
        // Given 10,000 header-like lines, none of them a From (2,000 took 20 s before the bound)
        let text = String(repeating: "Subject: Re: [staged-rollout #48] Staged Rollout EMI-1.0\n", count: 10_000)
        // When the reply is read
        let reply = ReplyText(text)
        // Then no header block is cut (there is no From) and every line is new text
        #expect(reply.cuts.isEmpty)
        #expect(reply.newLines.count == 10_001)
    }

    @Test("a quoted header block is still cut from its first line")
    func headerBlockStillCut() {
        let text = "accept NGI_IT-INFN-T1\n\nFrom: Staged Rollout <staged-rollout@rollout.example.org>\nSent: Friday\nTo: Paolo\nSubject: Re: x\n\nold text"
        let reply = ReplyText(text)
        #expect(reply.newLines.filter { !$0.isEmpty } == ["accept NGI_IT-INFN-T1"])
        #expect(reply.cuts.first?.reason == .headerBlock)
    }
}
