extension ReplyText {
    /// The shortest quoted line, without its marks, that a client re-wraps: a line of at least this many columns broken
    /// in two leaves a continuation without `>`.
    static let rewrappedLineLength = 60

    /// Whether an unquoted line between two quoted lines (`below` the quoted line above it) is part of the quote that
    /// lost its `>` when a client re-wrapped it, rather than the sender's inline answer (SPEC §5: unquoted lines between
    /// quotes are new text). It is when it reads as no command and either
    /// - starts in lower case and completes the quoted line above, which is at least ``rewrappedLineLength`` columns long
    ///   (the client broke it), or
    /// - holds no word of prose, only the rest of a link or markup that the line above opened and left unclosed
    ///   ("> View ticket (http://x/action" / "_nonce=3dd518)") or that ends in the `>` of the next line
    ///   (" (http://x/c/Yz) >").
    static func isLostQuoteLine(_ line: String, below above: String) -> Bool {
        guard CommandGrammar.read(line) == .text else { return false }
        let text = line.trimmingWhitespace()
        let aboveText = above.drop(while: { $0 == ">" || $0 == " " || $0 == "\t" })
        if let first = text.first, first.isLetter, first.isLowercase, aboveText.count >= rewrappedLineLength { return true }
        guard !text.split(separator: " ").contains(where: isProseWord) else { return false }
        let opensLink = aboveText.filter { $0 == "(" }.count > aboveText.filter { $0 == ")" }.count
            || aboveText.filter { $0 == "<" }.count > aboveText.filter { $0 == ">" }.count
        return opensLink || text.hasSuffix(" >")
    }

    /// A word of prose: letters only, with punctuation after it at most.
    static func isProseWord(_ word: Substring) -> Bool {
        let bare = word.drop(while: { $0 == "\"" || $0 == "'" || $0 == "(" })
            .reversed().drop(while: { ".,;:!?\"')".contains($0) }).reversed()
        return bare.count >= 2 && bare.allSatisfy(\.isLetter)
    }
}
