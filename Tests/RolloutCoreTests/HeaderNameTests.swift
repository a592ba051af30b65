@testable import RolloutCore
import Testing

@Suite("Quoted header lines: the colon of an ASCII line found by byte")
struct HeaderNameTests {
    /// The look-up before 2026-12-07: the colon found character by character.
    private static func byCharacters(_ line: String) -> OldText.HeaderName? {
        let text = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "*" })
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let name = text[..<colon].trimming(anyOf: "* \t").lowercased()
        guard name.count <= 20 else { return nil }
        return OldText.headerNames[name]
    }

    @Test("every line of pieces of header names, colons, stars, spaces and other scripts reads as it did")
    func sameAsByCharacters() {
        let pieces = ["From", "**Sent**", "Date", " ", "\t", "*", ":", "：", "Von", "Betreff", "Da", "Oggetto", "x", ":\u{301}",
                      "Enviado", "От", "件名", "2026-11-27 15:00", "@"]
        var lines: [String] = [""]
        for a in pieces { for b in pieces { for c in pieces { lines.append(a + b + c) } } }
        for line in lines {
            #expect(OldText.headerName(of: line) == Self.byCharacters(line), "\(line.unicodeScalars.map(\.value))")
        }
        #expect(OldText.headerName(of: "  *From:* Mario Rossi") == .from)
    }
}
