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
