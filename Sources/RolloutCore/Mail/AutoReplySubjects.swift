import Foundation

/// Signs of a vacation or out-of-office reply that carries no `Auto-Submitted` or vacation header: the subjects
/// that mail programs and servers give them, and the header fields Exchange adds to mail its inbox rules made
/// (issue 10 #8).
///
/// A subject counts only when it *starts* with one of the phrases (after any `[list]` tags), followed by a
/// non-letter or the end: "Automatic reply: Re: [staged-rollout #12] …" is one, "Re: [staged-rollout #12] accept,
/// automatic reply next week" is not. Lotus Notes names the person first ("Mario Rossi is out of the office."),
/// so a few of its sentences count anywhere in the subject.
public enum AutoReplySubjects {
    /// Subject beginnings of automatic replies, lower-cased, by language: Outlook/Exchange ("Automatic reply:",
    /// older "Out of Office AutoReply:"), Gmail and Google Workspace, Apple Mail, Thunderbird's and Sieve's vacation
    /// filters, Lotus Notes, Zimbra, Roundcube's managesieve defaults and common hand-written rules.
    public static let prefixes: [String] = [
        // English
        "out of office", "out-of-office", "out of the office", "automatic reply", "automatic response", "auto reply",
        "auto-reply", "autoreply", "auto response", "auto-response", "autoresponse", "autoresponder", "auto-responder",
        "vacation reply", "vacation response", "vacation notice", "vacation message", "away from the office",
        "away from office", "absence notice", "ooo:",
        // Lotus Notes / Domino: "AUTO: Mario Rossi is out of the office (returning 20/03/2024)"
        "auto:",
        // German
        "automatische antwort", "abwesenheitsnotiz", "automatische abwesenheitsnotiz", "abwesenheitsmeldung",
        "abwesenheitsnachricht", "automatische rückantwort", "automatische ruckantwort", "urlaubsabwesenheit",
        "nicht im büro", "außer haus", "ausser haus",
        // French
        "réponse automatique", "reponse automatique", "réponse automatique d'absence", "absence du bureau",
        "message d'absence", "notification d'absence", "absent du bureau", "répondeur automatique",
        // Italian
        "risposta automatica", "risposta automatica di assenza", "fuori sede", "fuori ufficio", "assenza dall'ufficio",
        // Spanish, Catalan, Portuguese
        "respuesta automática", "respuesta automatica", "fuera de la oficina", "fuera de oficina",
        "resposta automàtica", "resposta automatica", "resposta automática", "ausência temporária", "fora do escritório",
        // Dutch
        "automatisch antwoord", "afwezigheidsbericht", "automatisch afwezigheidsbericht", "buiten kantoor",
        "niet op kantoor",
        // Scandinavian, Finnish, Icelandic
        "autosvar", "automatiskt svar", "automatisk svar", "automatisk besvarelse", "frånvaromeddelande",
        "fraværsmelding", "fraværsbesked", "fravær", "frånvarande", "automaattinen vastaus", "poissaoloilmoitus",
        "poissa toimistosta", "sjálfvirkt svar",
        // Polish, Czech, Slovak, Slovenian, Croatian, Serbian, Bosnian
        "odpowiedź automatyczna", "odpowiedz automatyczna", "automatyczna odpowiedź", "automatyczna odpowiedz",
        "nieobecność", "poza biurem", "automatická odpověď", "automaticka odpoved", "automatická odpoveď",
        "automaticka odpovet", "nepřítomnost", "mimo kancelář", "neprítomnosť", "mimo kancelárie", "samodejni odgovor",
        "automatski odgovor", "odsutnost", "van ureda", "izvan ureda", "аутоматски одговор",
        // Hungarian, Romanian, Greek, Turkish, Baltic languages
        "automatikus válasz", "automatikus valasz", "házon kívül", "răspuns automat", "raspuns automat",
        "αυτόματη απάντηση", "εκτός γραφείου", "otomatik yanıt", "otomatik yanit", "otomatik cevap", "ofis dışında",
        "automatinis atsakymas", "automātiskā atbilde", "automatiska atbilde", "automaatne vastus",
        // Cyrillic: Russian, Ukrainian, Bulgarian, Macedonian
        "автоматический ответ", "автоответ", "автоматична відповідь", "автоматичен отговор", "автоматски одговор",
        "нет на месте", "вне офиса",
        // Hebrew, Arabic, Persian
        "מענה אוטומטי", "תשובה אוטומטית", "رد تلقائي", "الرد التلقائي", "پاسخ خودکار",
        // Chinese, Japanese, Korean
        "自动回复", "自動回覆", "自動回复", "自动答复", "自動応答", "自動返信", "不在", "자동 회신", "자동 응답", "부재중",
    ]

    /// Sentences Lotus Notes and Domino put after the person's name ("Mario Rossi is out of the office."); they count
    /// only where they end the subject (a `.` or a parenthesis may follow), so "Re: … Paolo is out of the office
    /// this week, I accept for the team" stays a person's message.
    public static let sentences: [String] = [
        " is out of the office", " ist außer haus", " ist nicht im büro", " est absent(e)", " est absente",
        " n'est pas au bureau", " è fuori sede", " está fuera de la oficina", " is niet op kantoor",
    ]

    /// Header fields (lower-cased) that Exchange adds to mail its inbox rules generated: automatic replies and
    /// rule-forwarded copies. They mean "a machine sent this", as `Auto-Submitted` does.
    public static let exchangeRuleHeaders: Set<String> = [
        "x-ms-exchange-inbox-rules-loop", "x-ms-exchange-generated-message-source",
    ]

    /// The phrase that marks `subject` as an automatic reply, or nil. Reads at most the first 300 characters.
    public static func phrase(in subject: String) -> String? {
        var text = Substring(subject.prefix(300).lowercased())
        // List tags, `[Early-adopters-emi] Automatic reply: …`, as many as there are.
        while true {
            text = text.drop { $0.isWhitespace }
            guard text.first == "[", let close = text.firstIndex(of: "]") else { break }
            text = text[text.index(after: close)...]
        }
        // An ASCII subject is compared byte by byte: only ASCII prefixes can start it, and for ASCII text bytes and
        // characters compare alike (comparing characters with a hundred prefixes was most of this function's cost).
        let ascii = text.isASCII
        for prefix in prefixes where ascii ? text.utf8.starts(with: prefix.utf8) : text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            // A whole word or phrase: "Autosvar:" but not "Autosvaret"; scripts without case need no boundary.
            if let next = rest.first, next.isLetter, next.isCased, prefix.last?.isCased == true { continue }
            return prefix
        }
        // The same for the sentences (Foundation's search, through NSString on Linux, was a twentieth of an ingest):
        // only the ASCII ones can occur in an ASCII subject, and for ASCII both searches find the same place.
        return sentences.first { sentence in
            let end: Substring.Index
            if ascii {
                guard let offset = text.firstByteOffset(of: sentence) else { return false }
                end = text.utf8.index(text.startIndex, offsetBy: offset + sentence.utf8.count)
            } else {
                guard let range = text.range(of: sentence) else { return false }
                end = range.upperBound
            }
            let rest = text[end...].drop { $0.isWhitespace || $0 == "." }
            return rest.isEmpty || rest.first == "("
        }
    }
}
