/// The sender's sign-off at the very end of the new text (our rule, README "Mail in"): a closing ("Thanks!", "Best
/// regards,", "regards") followed by a name line ("Roman", "John Doe"), a dashed name ("-roman", "- Lev."), or a rule
/// ("---") followed by a name line — with nothing but blank lines below it in the new text.
///
/// A sign-off is the sender's text, never a command: it is cut from the new text (not relayed, not read) only when
/// every line of it reads as text (``CommandGrammar``), when it is not the first line of the new text ("Thanks,"
/// that opens a message stays) and when its name lines are names (at most ``maximumNameWords`` capitalised words).
/// A closing without a name below it ("Kind regards" alone) stays, as does a closing that says more ("Thanks for the
/// update"). Lines of a single mark at the very end (Gmail's "ᐧ" tracking mark) go with it, or alone.
///
/// Looks at the last ``window`` lines only: linear.
enum SignOff {
    static let maximumNameLines = 2
    static let maximumNameWords = 4
    static let maximumClosingWords = 4
    static let window = 12

    /// The index in `lines` where the sign-off (and the marks below it) starts, or nil.
    ///
    /// - Parameter signOffs: whether a sign-off may be cut (the message ends with the new text); marks are cut anyway.
    static func start(in lines: [String], signOffs: Bool = true) -> Int? {
        var end = lines.count  // the lines from `end` on are blank or single marks
        while end > 0, ReplyText.isBlank(lines[end - 1]) || isMark(lines[end - 1]) { end -= 1 }
        let marks = lines[end...].contains(where: isMark) ? end : nil
        guard signOffs else { return marks }
        // The last non-blank lines, nearest the end first.
        var tail: [Int] = []
        var probe = end - 1
        while probe >= 0, end - probe <= window, tail.count <= maximumNameLines {
            if !ReplyText.isBlank(lines[probe]) { tail.append(probe) }
            probe -= 1
        }
        guard let firstText = lines.firstIndex(where: { !ReplyText.isBlank($0) }) else { return marks }
        for size in stride(from: tail.count, through: 1, by: -1) {
            let opener = tail[size - 1]
            let names = tail[..<(size - 1)].map { lines[$0] }
            guard opener > firstText, names.allSatisfy(isName),
                CommandGrammar.read(lines[opener]) == .text, names.allSatisfy({ CommandGrammar.read($0) == .text })
            else { continue }
            let text = lines[opener].trimmingWhitespace()
            // A dashed line below another is a list's last item, not a name.
            let above = lines[..<opener].last(where: { !ReplyText.isBlank($0) })?.trimmingWhitespace()
            let inList = above.map { isDashedName($0) || $0.hasPrefix("- ") || $0.hasPrefix("* ") } ?? false
            if (isDashedName(text) && !inList) || (!names.isEmpty && (isClosing(text) || isRule(text))) { return opener }
        }
        return marks
    }

    /// One visible character that is no ASCII letter or digit: "ᐧ", ".", "*".
    static func isMark(_ line: String) -> Bool {
        let text = line.trimmingWhitespace()
        guard text.count == 1, let character = text.first else { return false }
        return !(character.isASCII && (character.isLetter || character.isNumber))
    }

    /// "Roman", "John Doe", "Mario R.": a few words, each starting with a capital letter, of letters and `.-'`.
    static func isName(_ line: String) -> Bool {
        let words = line.trimmingWhitespace().split(separator: " ")
        guard !words.isEmpty, words.count <= maximumNameWords else { return false }
        return words.allSatisfy { word in
            guard let first = word.first, first.isUppercase else { return false }
            return word.allSatisfy { $0.isLetter || $0 == "." || $0 == "-" || $0 == "'" || $0 == "’" }
        }
    }

    /// "-roman", "- Lev.", "— Mario Rossi": a dash, then a name of at most two words.
    static func isDashedName(_ text: String) -> Bool {
        guard let first = text.first, first == "-" || first == "—" || first == "–" else { return false }
        let rest = text.drop(while: { $0 == "-" || $0 == "—" || $0 == "–" || $0 == " " })
        let words = rest.split(separator: " ")
        guard text.prefix(2) != "--", !words.isEmpty, words.count <= 2 else { return false }
        return words.allSatisfy { $0.allSatisfy { $0.isLetter || $0 == "." || $0 == "'" } }
    }

    /// "Thanks!", "Best regards,", "regards", "Mit freundlichen Grüßen": every word a word of closing.
    static func isClosing(_ text: String) -> Bool {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter })
        guard !words.isEmpty, words.count <= maximumClosingWords else { return false }
        return words.allSatisfy { closingWords.contains(String($0)) }
    }

    /// "---", "___", "===", "***", "~~~".
    static func isRule(_ text: String) -> Bool {
        guard text.count >= 3, let mark = text.first, "-_=*~".contains(mark) else { return false }
        return text.allSatisfy { $0 == mark }
    }

    /// The words that closings are made of, lower-cased.
    static let closingWords: Set<String> = [
        "thanks", "thank", "you", "thx", "many", "regards", "best", "kind", "kindest", "warm", "warmest", "cheers",
        "sincerely", "yours", "greetings", "all", "the", "cordialement", "bien", "à", "vous", "merci", "grüße", "grüsse",
        "gruß", "gruss", "viele", "liebe", "beste", "freundliche", "mit", "freundlichen", "danke", "saluti", "cordiali",
        "distinti", "grazie", "saludos", "un", "saludo", "atentamente", "gracias", "groeten", "met", "vriendelijke",
        "hartelijke", "bedankt", "hälsningar", "vänliga", "tack", "hilsen", "med", "venlig", "vennlig", "takk", "tak",
        "pozdrawiam", "pozdrav", "pozdravem", "obrigado", "obrigada", "abraços", "cumprimentos",
    ]
}
