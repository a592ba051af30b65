/// A pattern over a distinguished name in one-line form, matched against the whole name in linear time (no
/// backtracking, whatever the pattern): the globs of `.signing_policy` files and the small part of regular
/// expressions that `.namespaces` files use.
public struct NamePattern: Sendable, Equatable {
    enum Atom: Sendable, Equatable {
        case character(Character)
        case anyCharacter
    }

    struct Piece: Sendable, Equatable {
        var atom: Atom
        var repeats: Bool
    }

    /// The pieces; nil when the pattern used something this reader does not support (it then matches nothing).
    let pieces: [Piece]?

    /// The longest pattern read; a longer one matches nothing.
    public static let longestPattern = 1024

    /// A Globus glob: `*` any run of characters, `?` one character, everything else itself.
    public init(glob: String) {
        guard glob.count <= Self.longestPattern else {
            pieces = nil
            return
        }
        pieces = glob.map { character in
            switch character {
            case "*": Piece(atom: .anyCharacter, repeats: true)
            case "?": Piece(atom: .anyCharacter, repeats: false)
            default: Piece(atom: .character(character), repeats: false)
            }
        }
    }

    /// A regular expression of literal text, `.`, `*` after an atom and `\` escapes, anchored at both ends (a
    /// leading `^` and trailing `$` are allowed); any other operator makes a pattern that matches nothing.
    public init(regex: String) {
        var text = Substring(regex)
        if text.first == "^" { text = text.dropFirst() }
        if text.last == "$", !text.hasSuffix("\\$") { text = text.dropLast() }
        guard text.count <= Self.longestPattern else {
            pieces = nil
            return
        }
        var result: [Piece] = []
        var escaped = false
        for character in text {
            if escaped {
                result.append(Piece(atom: .character(character), repeats: false))
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case ".": result.append(Piece(atom: .anyCharacter, repeats: false))
            case "*":
                guard let last = result.last, !last.repeats else {
                    pieces = nil
                    return
                }
                result[result.count - 1].repeats = true
            case "[", "]", "(", ")", "{", "}", "+", "?", "|", "^", "$":
                pieces = nil
                return
            default: result.append(Piece(atom: .character(character), repeats: false))
            }
        }
        pieces = escaped ? nil : result
    }

    /// Whether the pattern matches all of `name`.
    public func matches(_ name: String) -> Bool {
        guard let pieces, name.count <= 4 * Self.longestPattern else { return false }
        let characters = Array(name)
        // reachable[j]: the pieces so far can match the first j characters.
        var reachable = [Bool](repeating: false, count: characters.count + 1)
        reachable[0] = true
        for piece in pieces {
            var next = [Bool](repeating: false, count: characters.count + 1)
            for j in 0...characters.count {
                if piece.repeats {
                    next[j] = reachable[j] || (j > 0 && next[j - 1] && Self.accepts(piece.atom, characters[j - 1]))
                } else {
                    next[j] = j > 0 && reachable[j - 1] && Self.accepts(piece.atom, characters[j - 1])
                }
            }
            reachable = next
        }
        return reachable[characters.count]
    }

    private static func accepts(_ atom: Atom, _ character: Character) -> Bool {
        switch atom {
        case .anyCharacter: true
        case .character(let expected): expected == character
        }
    }
}
