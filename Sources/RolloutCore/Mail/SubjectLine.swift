import Foundation

/// Subject lines without reply and forward prefixes.
public enum SubjectLine {
    /// Reply and forward prefixes in the languages of EGI's sites, lower-cased, without the colon.
    static let prefixes: Set<String> = [
        "re", "aw", "sv", "r", "rif", "odp", "fw", "fwd", "wg", "tr", "rv", "enc", "vs", "antw", "doorst", "vb", "pd",
        "ynt",
    ]

    /// The subject without any chain of `Re:`/`AW:`/`SV:`/`R:`/`RIF:`/`Fwd:`/`WG:`/`TR:`/`Odp:` prefixes (also
    /// `Re[2]:`) and `[list-name]` tags in front, as a thread's base subject (RFC 5256 §2.1, more leniently).
    public static func baseSubject(_ subject: String) -> String {
        var rest = subject.trimmingWhitespace()[...]
        while true {
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"), !rest[..<close].contains("#") {
                rest = rest[rest.index(after: close)...].drop(while: \.isWhitespace)
                continue
            }
            guard let colon = rest.firstIndex(of: ":"), rest.distance(from: rest.startIndex, to: colon) <= 10 else { break }
            var word = rest[..<colon].trimmingWhitespace().lowercased()
            if let bracket = word.firstIndex(of: "["), word.hasSuffix("]") { word = String(word[..<bracket]) }
            guard prefixes.contains(word) else { break }
            rest = rest[rest.index(after: colon)...].drop(while: \.isWhitespace)
        }
        return String(rest)
    }
}
