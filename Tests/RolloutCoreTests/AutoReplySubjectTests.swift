import Foundation
import RolloutCore
import Testing

@Suite("Vacation replies without automatic-reply headers (issue 10 #8)")
struct AutoReplySubjectTests {
    private let gateway = EmailAddress("staged-rollout@rollout.example.org")

    private var classifier: MessageClassifier {
        MessageClassifier(
            identity: GatewayIdentity(
                addresses: [gateway], messageIDDomain: "rollout.example.org", loopValues: [gateway.value],
                trustedAuthservIDs: ["mx.rollout.example.org"]))
    }

    /// A message from a known person with no Auto-Submitted, Precedence or vacation header.
    private func message(subject: String, headers extra: [String: String] = [:]) -> InboundMessage {
        var headers = InboundHeaders()
        headers.from = [Mailbox(name: "Paolo Veronesi", address: EmailAddress("paolo.veronesi@cnaf.example.org"))]
        headers.to = [Mailbox(address: gateway)]
        headers.subject = subject
        headers.messageID = "oof-1@cnaf.example.org"
        headers.returnPath = "paolo.veronesi@cnaf.example.org"
        headers.autoReplyMarkers = extra
        return InboundMessage(headers: headers, text: "I am out of the office until Monday.")
    }

    static let original = "[staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64"

    @Test(
        "subjects of automatic replies in many languages mark an auto-reply, never answered",
        arguments: [
            "Out of Office: \(original)", "Out of Office AutoReply: \(original)", "Automatic reply: \(original)",
            "Automatic reply: Re: \(original)", "AutoReply: \(original)", "Auto-Reply: \(original)",
            "Automatische Antwort: \(original)", "Abwesenheitsnotiz: \(original)", "Abwesenheitsnotiz",
            "Réponse automatique : \(original)", "Réponse automatique d'absence du bureau : \(original)",
            "Risposta automatica: \(original)", "Respuesta automática: \(original)", "Automatisch antwoord: \(original)",
            "Autosvar: \(original)", "Automatiskt svar: \(original)", "Odpowiedź automatyczna: \(original)",
            "Automatická odpověď: \(original)", "Automatická odpoveď: \(original)", "Automatikus válasz: \(original)",
            "Resposta automática: \(original)", "Automaattinen vastaus: \(original)", "Automatisk svar: \(original)",
            "Samodejni odgovor: \(original)", "Automatski odgovor: \(original)", "Răspuns automat: \(original)",
            "Αυτόματη απάντηση: \(original)", "Автоматический ответ: \(original)", "Otomatik yanıt: \(original)",
            "自動返信: \(original)", "自动回复: \(original)", "자동 회신: \(original)",
            "[Early-adopters-emi] Automatic reply: \(original)", "  OUT OF OFFICE: back on Monday",
            "Paolo Veronesi is out of the office.", "Paolo Veronesi ist außer Haus.",
            "Paolo Veronesi is out of the office (returning 12/03/2024)", "AUTO: Paolo Veronesi is out of the office (returning 20/03/2024)",
        ])
    func vacationSubject(subject: String) {
        let result = classifier.classify(message(subject: subject))
        #expect(result.kind == .autoReply, "\(subject)")
        #expect(result.reasons.contains { $0.hasPrefix("vacation subject") }, "\(subject)")
        #expect(!result.replyPolicy.allowsReply(senderIsKnown: true), "\(subject)")
    }

    @Test(
        "a person's own words about absence or automatic replies stay a reply",
        arguments: [
            "Re: \(original)", "Re: Automatic reply: \(original)", "AW: Abwesenheitsnotiz: \(original)",
            "Re: \(original) — out of office next week, accepting now", "Autosvaret fungerar inte",
            "Automatically generated reports: \(original)", "Re: Paolo is out of the office this week, I accept for the team",
            "Outcome of the tests: \(original)", "",
        ])
    func personalSubject(subject: String) {
        let result = classifier.classify(message(subject: subject))
        #expect(result.kind == .reply, "\(subject)")
        #expect(AutoReplySubjects.phrase(in: subject) == nil, "\(subject)")
    }

    @Test(
        "Exchange inbox-rule headers mark an auto-reply whatever the subject",
        arguments: [
            ["x-ms-exchange-inbox-rules-loop": "paolo.veronesi@cnaf.example.org"],
            ["x-ms-exchange-generated-message-source": "Mailbox Rules Agent"],
        ])
    func exchangeRuleHeaders(headers: [String: String]) {
        let result = classifier.classify(message(subject: "Re: \(Self.original)", headers: headers))
        #expect(result.kind == .autoReply)
        #expect(result.reasons == headers.map { "\($0.key): \($0.value)" })
    }

    @Test("X-Auto-Response-Suppress alone still means nothing: Outlook sets it on ordinary mail")
    func suppressAlone() {
        let result = classifier.classify(message(subject: "Re: \(Self.original)", headers: ["x-auto-response-suppress": "All"]))
        #expect(result.kind == .reply)
    }

    @Test("only the start of a long subject is read")
    func longSubject() {
        #expect(AutoReplySubjects.phrase(in: "Re: " + String(repeating: "a", count: 1_000_000)) == nil)
        #expect(AutoReplySubjects.phrase(in: "Automatic reply: " + String(repeating: "a", count: 1_000_000)) == "automatic reply")
    }

    @Test("in an ASCII subject a prefix and a sentence are found byte by byte where characters and Foundation found them")
    func sentencesByByte() {
        // Foundation's search, as the sentences were matched before 2026-12-07.
        func foundation(_ subject: String) -> String? {
            var text = Substring(subject.prefix(300).lowercased())
            while true {
                text = text.drop { $0.isWhitespace }
                guard text.first == "[", let close = text.firstIndex(of: "]") else { break }
                text = text[text.index(after: close)...]
            }
            for prefix in AutoReplySubjects.prefixes where text.hasPrefix(prefix) {
                let rest = text.dropFirst(prefix.count)
                if let next = rest.first, next.isLetter, next.isCased, prefix.last?.isCased == true { continue }
                return prefix
            }
            return AutoReplySubjects.sentences.first { sentence in
                guard let range = text.range(of: sentence) else { return false }
                let rest = text[range.upperBound...].drop { $0.isWhitespace || $0 == "." }
                return rest.isEmpty || rest.first == "("
            }
        }
        let pieces = ["Re: ", "[list] ", "Automatic reply", ": ", "AUTO:", "Autosvar", "et", "Abwesend", "Réponse automatique", "Mario Rossi", " is out of the office", " IS OUT OF THE OFFICE", ".", " (back monday)", " this week",
                      " is niet op kantoor", "  ", "x", "(", " is out of the"]
        var subjects: [String] = []
        for a in pieces { for b in pieces { for c in pieces { subjects.append(a + b + c) } } }
        for subject in subjects {
            #expect(AutoReplySubjects.phrase(in: subject) == foundation(subject), "\(subject)")
        }
        #expect(AutoReplySubjects.phrase(in: "Mario Rossi is out of the office (back on Monday)") == " is out of the office")
        #expect(AutoReplySubjects.phrase(in: "Mario ist nicht im Büro") == " ist nicht im büro")  // beyond ASCII: as before
    }
}
