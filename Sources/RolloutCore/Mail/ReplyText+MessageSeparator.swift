import Foundation

extension ReplyText {
    /// A separator naming a message between rules of dashes, in any wording: "-----Reply Message-----", "-----Antwort
    /// Nachricht-----", "----- Oprindelig besked -----": at least three dashes at both ends, at most
    /// ``maximumSeparatorWords`` words amid them, one of them a word for "message" (``OldText/messageWords``).
    /// Everything below is old text. A line that reads as a command between the dashes is none.
    static func messageSeparator(_ lines: [String], _ index: Int) -> Match? {
        let line = lines[index].trimmingWhitespace().trimming(anyOf: "*_ ")
        guard line.count <= 80, line.hasPrefix("---"), line.hasSuffix("---") else { return nil }
        let inner = line.trimming(anyOf: "- ")
        let words = inner.lowercased().split(separator: " ")
        guard !words.isEmpty, words.count <= maximumSeparatorWords, CommandGrammar.read(inner) == .text else { return nil }
        return words.contains { OldText.messageWords.contains(String($0)) } ? .restOfMessage : nil
    }

    static let maximumSeparatorWords = 4
}

extension OldText {
    /// "Message" in the languages of ``originalMessageSeparators``, lower-cased.
    static let messageWords: Set<String> = [
        "message", "nachricht", "mensaje", "messaggio", "mensagem", "bericht", "besked", "meddelelse", "melding",
        "meddelande", "wiadomość", "zpráva", "viesti", "üzenet", "mesaj", "mesajul", "μήνυμα", "ileti", "сообщение",
        "повідомлення", "съобщение", "邮件", "郵件", "메시지", "メッセージ", "email", "e-mail", "mail",
    ]
}
