/// The lexical layer of an `Authentication-Results` value (RFC 8601 §2.2 over RFC 5322 §3.2): a cursor over the
/// field's bytes that reads one element at a time — CFWS, a quoted-string, a keyword, a run of atext — and never
/// moves back.
///
/// Quoted-strings and comments are read whole, each with its quoted-pairs (`\"`, `\)`), so a `;` or `"` inside one
/// is never taken for structure; nested comments are counted. Every method either reads its element and moves past
/// it, or throws and leaves the cursor where the element should have begun, which is always between elements: the
/// caller can skip to the next `;` from there (``skipToNextSemicolon()``) without re-reading anything, so a whole
/// field is read in time linear in its length.
struct AuthenticationResultsScanner {
    /// Why an element could not be read, in words for `explain`.
    struct Failure: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A quoted-string as written (between the quotes, quoted-pairs kept) and as meant (quoted-pairs resolved).
    struct QuotedString: Equatable {
        var raw: String
        var text: String
    }

    private let bytes: [UInt8]
    private(set) var position: Int = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { position >= bytes.count }
    /// The byte under the cursor, nil at the end.
    var current: UInt8? { atEnd ? nil : bytes[position] }

    /// Whether the cursor is on `byte`.
    func at(_ byte: UInt8) -> Bool { current == byte }

    /// Moves past `byte` when it is under the cursor; says whether it was.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard at(byte) else { return false }
        position += 1
        return true
    }

    /// The text between two positions (for the record of what was dropped).
    func text(from start: Int, to end: Int) -> String {
        String(decoding: bytes[min(start, bytes.count)..<min(end, bytes.count)], as: UTF8.self)
    }

    // MARK: CFWS

    /// Skips folding white space and comments (nested, with quoted-pairs); says whether it skipped any.
    @discardableResult
    mutating func skipCFWS() throws(Failure) -> Bool {
        let start = position
        while let byte = current {
            if Self.isWhiteSpace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "(") {
                try skipComment()
            } else {
                break
            }
        }
        return position > start
    }

    /// Skips one comment, the cursor on its `(`.
    private mutating func skipComment() throws(Failure) {
        let start = position
        var depth = 0
        while let byte = current {
            position += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard !atEnd else { break }
                position += 1
            case UInt8(ascii: "("):
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return }
            default:
                continue
            }
        }
        position = start
        throw Failure("a comment that is never closed")
    }

    // MARK: Elements

    /// Reads a quoted-string, the cursor on its opening `"`.
    mutating func quotedString() throws(Failure) -> QuotedString {
        let start = position
        guard consume(UInt8(ascii: "\"")) else { throw Failure("expected a quoted-string") }
        var text: [UInt8] = []
        while let byte = current {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return QuotedString(
                    raw: self.text(from: start + 1, to: position - 1), text: String(decoding: text, as: UTF8.self))
            case UInt8(ascii: "\\"):
                guard let escaped = current else { break }
                text.append(escaped)
                position += 1
            default:
                text.append(byte)
            }
        }
        position = start
        throw Failure("a quoted-string that is never closed")
    }

    /// Reads a keyword (RFC 5321 `Ldh-str`: letters, digits, hyphens, not ending in one): a method, a result, a
    /// ptype or a property. Nil, the cursor unmoved, when none starts here.
    mutating func keyword() -> String? {
        let start = position
        while let byte = current, Self.isLetterOrDigit(byte) || byte == UInt8(ascii: "-") { position += 1 }
        guard position > start, bytes[position - 1] != UInt8(ascii: "-") else {
            position = start
            return nil
        }
        return text(from: start, to: position)
    }

    /// Reads a run of digits (a version). Nil, the cursor unmoved, when none starts here.
    mutating func digits() -> String? {
        let start = position
        while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { position += 1 }
        return position > start ? text(from: start, to: position) : nil
    }

    /// Reads an RFC 2045 token (printable ASCII without specials; UTF-8 allowed as RFC 6532 allows). Nil, the
    /// cursor unmoved, when none starts here.
    mutating func token() -> String? {
        let start = position
        while let byte = current, Self.isTokenCharacter(byte) { position += 1 }
        return position > start ? text(from: start, to: position) : nil
    }

    /// Reads a run of RFC 5322 atext and dots (a dot-atom, a token, or a value that is neither but holds nothing
    /// that could be structure, such as an unquoted base64 `header.b` with `/` and `=`). Nil, the cursor unmoved,
    /// when none starts here.
    mutating func atextRun() -> String? {
        let start = position
        while let byte = current, Self.isAtext(byte) || byte == UInt8(ascii: ".") { position += 1 }
        return position > start ? text(from: start, to: position) : nil
    }

    // MARK: Recovery

    /// After a statement could not be read: moves to the next `;`, or to the end. Only a stretch without `"`, `(`,
    /// `)` or `\` is skipped: where one of those stands in text we could not read, we cannot tell whether its writer
    /// meant it to open a quoted-string or comment (and so hide the `;` after it) or not, so the rest of the field
    /// is given up; then returns why.
    mutating func skipToNextSemicolon() -> Failure? {
        while let byte = current, byte != UInt8(ascii: ";") {
            if Self.lexicalSpecials.contains(byte) {
                position = bytes.count
                return Failure("a \(Character(UnicodeScalar(byte))) in what could not be read: the rest of the field cannot be told apart, nothing after it counts")
            }
            position += 1
        }
        return nil
    }

    // MARK: Character classes

    static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// RFC 5322 atext, plus UTF-8 (RFC 6532).
    static func isAtext(_ byte: UInt8) -> Bool {
        Atext.contains(byte) || byte >= 0x80
    }

    /// RFC 2045 token characters: printable ASCII but space and `()<>@,;:\"/[]?=`, plus UTF-8 (RFC 6532).
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        (byte > 0x20 && byte < 0x7F && !tokenSpecials.contains(byte)) || byte >= 0x80
    }

    private static let lexicalSpecials = Set(#""()\\"#.utf8)
    private static let tokenSpecials = Set(#"()<>@,;:\"/[]?="#.utf8)
}
