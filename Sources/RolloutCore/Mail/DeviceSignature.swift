/// The line a mobile or desktop mail program signs with, in any language: "Sent from my iPhone", "Sent from Outlook
/// Mobile", "Sent wirelessly from my BlackBerry device on the Bell network.", "Envoyé depuis mon iPhone", "Von meinem
/// iPhone gesendet", "(Sent from mobile device)".
///
/// Read by shape where it can be: a verb of sending (at most one word after it), a preposition, and a product name — a
/// word with a capital letter or a digit ("iPhone", "BlackBerry", "HTC", "Mailbox"); the known forms of
/// ``OldText/mobileSignaturePrefixes`` too need a product name ("Sent from my desk at home" is a sentence). A line that goes on after a comma or semicolon ("Sent
/// from my laptop, which is easier than…", "Sent from my iPhone, but I will test from the office") is a sentence.
enum DeviceSignature {
    static let maximumWords = 12
    static let maximumLength = 100
    /// What may stand around the line: "(Sent from mobile device)", "<Sent from my iPhone>".
    static let brackets: Set<Character> = ["(", ")", "<", ">", "[", "]", " ", "\t"]

    static func matches(_ line: String) -> Bool {
        var text = Substring(line)
        while let first = text.first, brackets.contains(first) { text = text.dropFirst() }
        while let last = text.last, brackets.contains(last) || last == "." || last == "!" { text = text.dropLast() }
        // Characters counted by byte where each byte is one (ASCII without a line feed, which joins a CR before it).
        let count = text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0A }) ? text.utf8.count : text.count
        guard count >= 6, count <= maximumLength, !saysMore(text) else { return false }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count <= maximumWords else { return false }
        // A product name after the first word ("从我的iPhone发送" is one word: all of it).
        let named = (words.count > 1 ? words.dropFirst().joined() : String(text)).contains { $0.isUppercase || $0.isNumber }
        let lower = text.lowercased()
        if OldText.mobileSignaturePrefixes.contains(where: { lower.hasPrefix($0) })
            || OldText.mobileSignatureSuffixes.contains(where: { lower.hasSuffix($0) })
        {
            return named
        }
        guard words.count >= 3, sendingVerbs.contains(words[0].lowercased()) else { return false }
        // "Sent from …", "Sent wirelessly from …": the preposition is the second or third word, the name after it.
        let preposition = prepositions.contains(words[1].lowercased()) ? 1 : (prepositions.contains(words[2].lowercased()) ? 2 : nil)
        guard let preposition else { return false }
        return words[(preposition + 1)...].contains { word in word.contains(where: { $0.isUppercase || $0.isNumber }) }
    }

    /// Whether the line goes on after a comma or semicolon. (ASCII text is searched byte by byte: Foundation's search,
    /// through NSString on Linux, was a twentieth of the time spent reading a reply.)
    static func saysMore(_ text: Substring) -> Bool {
        if text.isASCII { return text.containsBytes(", ") || text.containsBytes("; ") }
        return text.contains(", ") || text.contains("; ")
    }

    /// "Sent" in the languages of ``OldText/mobileSignaturePrefixes``.
    static let sendingVerbs: Set<String> = [
        "sent", "envoyé", "enviado", "enviada", "gesendet", "inviato", "verzonden", "verstuurd", "skickat", "sendt",
        "wysłane", "wysłano", "odesláno", "lähetetty", "trimis", "στάλθηκε", "отправлено", "надіслано", "изпратено",
    ]
    static let prepositions: Set<String> = [
        "from", "with", "via", "by", "using", "von", "mit", "de", "depuis", "par", "desde", "da", "dal", "dalla", "do",
        "met", "vanaf", "från", "fra", "med", "z", "ze", "s", "с", "из", "з", "от", "από", "din", "de pe", "från min",
    ]
}
