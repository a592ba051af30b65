import RolloutCore
import Testing

/// The notification a team answers, as the gateway writes it: it holds both reply lines.
let teamAssignedText = """
    Dear ea-NGI_IT-INFN-T1,

    you have been chosen as Early Adopter for Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64.
    Please acknowledge by Monday 30 November 2026 15:00 (Europe/Amsterdam) by replying with exactly one of these lines:

        accept NGI_IT-INFN-T1
        reject NGI_IT-INFN-T1

    After accepting, run the new version in production for 5 to 7 days
    and attach your report, named
        ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt

    Staged Rollout <staged-rollout@rollout.example.org>
    Reply to this message to answer; keep [staged-rollout #12] in the subject.
    """

/// An attribution or separator form that mail programs put above the message answered (issue 12).
struct ReplyForm: Sendable, CustomTestStringConvertible {
    var name: String
    /// The lines above the original.
    var introduction: [String]
    var testDescription: String { name }
}

let gateway = "Staged Rollout <staged-rollout@rollout.example.org>"
let paolo = "Paolo Veronesi <paolo.veronesi@cnaf.example.org>"
let subject = "[staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64"

/// The forms: the nine of the issue that the lists missed, and their kin in 23 languages and more clients.
let replyForms: [ReplyForm] = [
    // The failing forms.
    ReplyForm(name: "Outlook, Italian with Risposta", introduction: [
        "Da: \(gateway)", "Risposta: staged-rollout+t12@rollout.example.org", "Data: venerdì 27 novembre 2026 15:00",
        "A: \(paolo)", "Oggetto: \(subject)",
    ]),
    ReplyForm(name: "Outlook, English without Sent", introduction: [
        "From: \(gateway)", "Reply-To: staged-rollout+t12@rollout.example.org", "Date: Friday, November 27, 2026 3:00 PM",
        "To: \(paolo)", "Subject: \(subject)",
    ]),
    ReplyForm(name: "Zoho", introduction: ["---- On Fri, 27 Nov 2026 15:00:00 +0100 Staged Rollout<staged-rollout@rollout.example.org> wrote ----"]),
    ReplyForm(name: "Gmail date-first", introduction: ["2026-11-27 15:00 GMT+01:00 \(gateway):"]),
    ReplyForm(name: "Gmail German wrapped over two lines", introduction: ["\(gateway) schrieb am Fr., 27. Nov. 2026", "um 15:00 Uhr:"]),
    ReplyForm(name: "Russian", introduction: ["пт, 27 нояб. 2026 г. в 15:00, пользователь \"Staged Rollout\" <staged-rollout@rollout.example.org> написал:"]),
    ReplyForm(name: "Ukrainian", introduction: ["пт, 27 лист. 2026 р. о 15:00 \(gateway) пише:"]),
    ReplyForm(name: "Japanese", introduction: ["2026年11月27日(金) 15:00 \(gateway):"]),
    ReplyForm(name: "Chinese", introduction: ["在 2026年11月27日 15:00, \(gateway) 写道:"]),
    ReplyForm(name: "Original Message with emphasis", introduction: ["*-------- Original Message --------*", "*Subject:* \(subject)"]),
    // Attributions of Gmail, Apple Mail, Thunderbird in more languages.
    ReplyForm(name: "English", introduction: ["On Fri, 27 Nov 2026 at 15:00, \(gateway) wrote:"]),
    ReplyForm(name: "Yahoo", introduction: ["On Friday, November 27, 2026, 03:00:00 PM GMT+1, \(gateway) wrote:"]),
    ReplyForm(name: "German", introduction: ["Am Fr., 27. Nov. 2026 um 15:00 Uhr schrieb \(gateway):"]),
    ReplyForm(name: "French", introduction: ["Le ven. 27 nov. 2026 à 15:00, \(gateway) a écrit :"]),
    ReplyForm(name: "Italian", introduction: ["Il giorno ven 27 nov 2026 alle ore 15:00 \(gateway) ha scritto:"]),
    ReplyForm(name: "Spanish", introduction: ["El vie, 27 nov 2026 a las 15:00, \(gateway) escribió:"]),
    ReplyForm(name: "Polish", introduction: ["pt., 27 lis 2026 o 15:00 \(gateway) napisał(a):"]),
    ReplyForm(name: "Czech", introduction: ["pá 27. 11. 2026 v 15:00 odesílatel \(gateway) napsal:"]),
    ReplyForm(name: "Dutch", introduction: ["Op vr 27 nov 2026 om 15:00 schreef \(gateway):"]),
    ReplyForm(name: "Swedish", introduction: ["fre 27 nov. 2026 kl. 15:00 skrev \(gateway):"]),
    ReplyForm(name: "Portuguese", introduction: ["Em sex., 27 de nov. de 2026 às 15:00, \(gateway) escreveu:"]),
    ReplyForm(name: "Norwegian", introduction: ["fre. 27. nov. 2026 kl. 15:00 skrev \(gateway):"]),
    ReplyForm(name: "Danish, Apple Mail", introduction: ["Den 27. nov. 2026 kl. 15.00 skrev \(gateway):"]),
    ReplyForm(name: "Finnish", introduction: ["pe 27.11.2026 klo 15.00 Staged Rollout (staged-rollout@rollout.example.org) kirjoitti:"]),
    ReplyForm(name: "Hungarian", introduction: ["\(gateway) ezt írta (időpont: 2026. nov. 27., P, 15:00):"]),
    ReplyForm(name: "Romanian", introduction: ["În vin., 27 nov. 2026 la 15:00, \(gateway) a scris:"]),
    ReplyForm(name: "Greek", introduction: ["Στις Παρ 27 Νοε 2026 στις 3:00 μ.μ., ο/η \(gateway) έγραψε:"]),
    ReplyForm(name: "Turkish", introduction: ["\(gateway), 27 Kas 2026 Cum, 15:00 tarihinde şunu yazdı:"]),
    ReplyForm(name: "Bulgarian", introduction: ["На пт, 27.11.2026 г. в 15:00 \(gateway) написа:"]),
    ReplyForm(name: "Chinese, traditional", introduction: ["\(gateway) 於 2026年11月27日 週五 下午3:00寫道："]),
    ReplyForm(name: "Korean", introduction: ["2026년 11월 27일 (금) 오후 3:00, \(gateway)님이 작성:"]),
    ReplyForm(name: "English wrapped over two lines", introduction: ["On Fri, 27 Nov 2026 at 15:00, Staged Rollout <", "staged-rollout@rollout.example.org> wrote:"]),
    // Outlook, Outlook mobile and webmail header blocks.
    ReplyForm(name: "Outlook mobile", introduction: [
        "Get Outlook for Android<https://aka.ms/AAb9ysg>", "________________________________", "From: \(gateway)",
        "Sent: Friday, November 27, 2026 3:00:00 PM", "To: \(paolo)", "Subject: \(subject)",
    ]),
    ReplyForm(name: "Outlook, Danish", introduction: ["Fra: \(gateway)", "Sendt: 27. november 2026 15:00", "Til: \(paolo)", "Emne: \(subject)"]),
    ReplyForm(name: "Outlook, Finnish", introduction: ["Lähettäjä: \(gateway)", "Lähetetty: perjantai 27. marraskuuta 2026 15.00", "Vastaanottaja: \(paolo)", "Aihe: \(subject)"]),
    ReplyForm(name: "Outlook, Hungarian", introduction: ["Feladó: \(gateway)", "Elküldve: 2026. november 27. 15:00", "Címzett: \(paolo)", "Tárgy: \(subject)"]),
    ReplyForm(name: "Outlook, Romanian", introduction: ["De la: \(gateway)", "Trimis: vineri, 27 noiembrie 2026 15:00", "Către: \(paolo)", "Subiect: \(subject)"]),
    ReplyForm(name: "Outlook, Greek", introduction: ["Από: \(gateway)", "Στάλθηκε: Παρασκευή, 27 Νοεμβρίου 2026 3:00 μμ", "Προς: \(paolo)", "Θέμα: \(subject)"]),
    ReplyForm(name: "Outlook, Turkish", introduction: ["Kimden: \(gateway)", "Gönderildi: 27 Kasım 2026 Cuma 15:00", "Kime: \(paolo)", "Konu: \(subject)"]),
    ReplyForm(name: "Outlook, Russian", introduction: ["От: \(gateway)", "Отправлено: 27 ноября 2026 г. 15:00", "Кому: \(paolo)", "Тема: \(subject)"]),
    ReplyForm(name: "Outlook, Ukrainian", introduction: ["Від: \(gateway)", "Надіслано: 27 листопада 2026 р. 15:00", "Кому: \(paolo)", "Тема: \(subject)"]),
    ReplyForm(name: "Outlook, Bulgarian", introduction: ["От: \(gateway)", "Изпратено: 27 ноември 2026 г. 15:00", "До: \(paolo)", "Относно: \(subject)"]),
    ReplyForm(name: "Outlook, Chinese", introduction: ["发件人: \(gateway)", "发送时间: 2026年11月27日 15:00", "收件人: \(paolo)", "主题: \(subject)"]),
    ReplyForm(name: "Outlook, Chinese full-width colons", introduction: ["寄件者： \(gateway)", "寄件日期： 2026年11月27日 下午 03:00", "收件者： \(paolo)", "主旨： \(subject)"]),
    ReplyForm(name: "Outlook, Japanese", introduction: ["差出人: \(gateway)", "送信日時: 2026年11月27日 15:00", "宛先: \(paolo)", "件名: \(subject)"]),
    ReplyForm(name: "Outlook, Korean", introduction: ["보낸 사람: \(gateway)", "보낸 날짜: 2026년 11월 27일 금요일 오후 3:00", "받는 사람: \(paolo)", "제목: \(subject)"]),
    ReplyForm(name: "Outlook, Portuguese", introduction: ["De: \(gateway)", "Enviado: sexta-feira, 27 de novembro de 2026 15:00", "Para: \(paolo)", "Assunto: \(subject)"]),
    // Separators.
    ReplyForm(name: "Finnish separator", introduction: ["-----Alkuperäinen viesti-----"]),
    ReplyForm(name: "Hungarian separator", introduction: ["-----Eredeti üzenet-----"]),
    ReplyForm(name: "Greek separator", introduction: ["-----Αρχικό μήνυμα-----"]),
    ReplyForm(name: "Russian separator", introduction: ["-----Исходное сообщение-----"]),
    ReplyForm(name: "Ukrainian separator", introduction: ["-----Оригінальне повідомлення-----"]),
    ReplyForm(name: "Bulgarian separator", introduction: ["-----Оригинално съобщение-----"]),
    ReplyForm(name: "Turkish separator", introduction: ["-----Özgün İleti-----"]),
    ReplyForm(name: "Romanian separator", introduction: ["-----Mesaj original-----"]),
    ReplyForm(name: "Danish separator", introduction: ["-----Oprindelig meddelelse-----"]),
    ReplyForm(name: "Norwegian separator", introduction: ["-----Opprinnelig melding-----"]),
    ReplyForm(name: "Chinese separator (QQ mail)", introduction: ["------------------ 原始邮件 ------------------"]),
    ReplyForm(name: "Japanese separator", introduction: ["-----元のメッセージ-----"]),
    ReplyForm(name: "Korean separator", introduction: ["-----원본 메시지-----"]),
    ReplyForm(name: "Yahoo separator", introduction: ["----- Original Message -----", "From: \(gateway)", "To: \(paolo)", "Sent: Friday, November 27, 2026 3:00 PM"]),
    // Signatures right above the original.
    ReplyForm(name: "Sent from my iPhone", introduction: ["Sent from my iPhone", "", "On 27 Nov 2026, at 15:00, \(gateway) wrote:"]),
    ReplyForm(name: "Sent from Outlook for Android", introduction: [
        "Sent from Outlook for Android", "", "From: \(gateway)", "Sent: Friday, November 27, 2026 3:00:00 PM",
        "To: \(paolo)", "Subject: \(subject)",
    ]),
    ReplyForm(name: "Von meinem iPhone gesendet", introduction: ["Von meinem iPhone gesendet", "", "Am 27.11.2026 um 15:00 schrieb \(gateway):"]),
    ReplyForm(name: "Отправлено с iPhone", introduction: ["Отправлено с iPhone", "", "27 нояб. 2026 г., в 15:00, \(gateway) написал(а):"]),
    ReplyForm(name: "Enviado desde mi iPhone", introduction: ["Enviado desde mi iPhone", "", "El 27 nov 2026, a las 15:00, \(gateway) escribió:"]),
    ReplyForm(name: "Inviato da iPhone", introduction: ["Inviato da iPhone", "", "Il giorno 27 nov 2026, alle ore 15:00, \(gateway) ha scritto:"]),
    ReplyForm(name: "Envoyé de mon iPhone", introduction: ["Envoyé de mon iPhone", "", "Le 27 nov. 2026 à 15:00, \(gateway) a écrit :"]),
    ReplyForm(name: "Sendt fra min iPad", introduction: ["Sendt fra min iPad", "", "Den 27. nov. 2026 kl. 15.00 skrev \(gateway):"]),
    ReplyForm(name: "'-- ' signature", introduction: ["-- ", "Paolo Veronesi, INFN-CNAF"]),
    ReplyForm(name: "'__' signature", introduction: ["__", "Paolo Veronesi, INFN-CNAF"]),
]

/// How the original sits below the answer.
enum Quoting: String, Sendable, CaseIterable {
    case unquoted, quoted
}

/// The reply a person writes: their one line on top, the form, then the notification.
func replyText(_ line: String, _ form: ReplyForm, _ quoting: Quoting, original: String = teamAssignedText) -> String {
    let body = original.split(separator: "\n", omittingEmptySubsequences: false)
        .map { quoting == .quoted ? ($0.isEmpty ? ">" : "> \($0)") : String($0) }
    return ([line, "", "Paolo", ""] + form.introduction + body).joined(separator: "\n")
}

private func commands(_ reply: ReplyText) -> [Command] {
    reply.readLines.compactMap {
        if case .command(let command) = $0.reading { return command }
        return nil
    }
}

@Suite("Reply forms: a team's one answer above the notification it answers (issue 12)")
struct ReplyFormsTests {
    static let answers = ["accept NGI_IT-INFN-T1", "reject NGI_IT-INFN-T1"]

    @Test("the answer on top is the only command, in either order, quoted or not", arguments: replyForms, Quoting.allCases)
    func oneAnswer(form: ReplyForm, quoting: Quoting) {
        for answer in Self.answers {
            let reply = ReplyText(replyText(answer, form, quoting))
            #expect(commands(reply) == [CommandGrammar.read(answer)].compactMap {
                if case .command(let command) = $0 { return command }
                return nil
            }, "\(form.name), \(quoting), \(answer)")
            #expect(reply.newLines.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } == [answer, "Paolo"], "\(form.name), \(quoting)")
        }
    }

    @Test("at least 20 languages are in the lists")
    func languages() {
        let forms = Set(replyForms.map(\.name))
        let languages = [
            "English", "German", "French", "Italian", "Spanish", "Polish", "Czech", "Dutch", "Swedish", "Portuguese",
            "Norwegian", "Danish, Apple Mail", "Finnish", "Hungarian", "Romanian", "Greek", "Turkish", "Russian", "Ukrainian",
            "Bulgarian", "Chinese", "Japanese", "Korean",
        ]
        #expect(languages.allSatisfy(forms.contains))
        #expect(languages.count >= 20)
    }

    @Test("sentences that name an address, a date or a verb of the lists are no attributions")
    func sentencesStay() {
        let text = """
            accept NGI_IT-INFN-T1
            I wrote to mario.david@lip.example.org on 27 Nov about the downtime:
            downtime NGI_IT-INFN-T1 on
            Pavel skrev om det i går, se GGUS 98765 och mail till pavel.weber@kit.example.org
            ggus 98765
            """
        #expect(commands(ReplyText(text)) == [.accept(team: "NGI_IT-INFN-T1"), .downtime(team: "NGI_IT-INFN-T1", on: true), .ggus(ticket: "98765")])
        #expect(ReplyText(text).cuts.isEmpty)
    }

    @Test("a mobile signature in the middle of what a person wrote stays")
    func mobileSignatureInText() {
        let text = "accept NGI_IT-INFN-T1\nSent from my iPhone, but I will test from the office\nPaolo"
        #expect(ReplyText(text).newLines.count == 3)
        let sig = "accept NGI_IT-INFN-T1\n\nSent from my iPhone\n"
        #expect(ReplyText(sig).newLines.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } == ["accept NGI_IT-INFN-T1"])
    }
}

@Suite("Own text: the copy of a sent message ends the new text, whatever introduces it (issue 12)")
struct OwnTextTests {
    let sent = [OwnTextFingerprint(text: teamAssignedText)]
    /// An attribution in a language no list knows (made up for this test).
    let madeUp = ReplyForm(name: "Zorbian", introduction: ["Zorbday 27 Nivember 2026 um 15:00, \(gateway) flimberte:"])

    @Test("a made-up attribution: the lists read three commands, the own-text rule one", arguments: Self.answers)
    func madeUpLanguage(answer: String) {
        let text = replyText(answer, madeUp, .unquoted)
        // Without the rule, the lists do not know the attribution: both reply lines of the notification are read.
        let withoutRule = ReplyText(text)
        #expect(commands(withoutRule).count == 3)
        // With it: only the answer.
        let reply = ReplyText(text, sent: sent)
        #expect(commands(reply).map(\.words) == [answer.split(separator: " ").map(String.init)])
        #expect(reply.cuts.last?.reason == .ownText)
        #expect(reply.cuts.last?.text.first == madeUp.introduction[0])  // the attribution goes with the copy
        #expect(reply.newLines.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } == [answer, "Paolo"])
    }

    static let answers = ["accept NGI_IT-INFN-T1", "reject NGI_IT-INFN-T1"]

    @Test("re-wrapped, re-indented, emphasised and quoted with other marks, the copy is still found")
    func rewrapped() {
        let words = teamAssignedText.split(whereSeparator: \.isWhitespace)
        // Re-wrapped at five words a line, "| " quoting, typographic quotes and emphasis around some words.
        var lines: [String] = []
        var index = 0
        while index < words.count {
            lines.append("|   " + words[index..<min(index + 5, words.count)].map { $0.count > 6 ? "*\($0)*" : String($0) }.joined(separator: " "))
            index += 5
        }
        let text = (["reject NGI_IT-INFN-T1", "", "Xq 27.11.2026 \(gateway) blorf:"] + lines).joined(separator: "\n")
        let reply = ReplyText(text, sent: sent)
        #expect(commands(reply) == [.reject(team: "NGI_IT-INFN-T1")])
        #expect(reply.newLines.filter { !$0.isEmpty } == ["reject NGI_IT-INFN-T1"])
    }

    @Test("text as HTML-to-text writes it: one long line per paragraph, non-breaking spaces")
    func htmlToText() {
        let paragraphs = teamAssignedText.components(separatedBy: "\n\n").map {
            $0.split(whereSeparator: \.isWhitespace).joined(separator: "\u{00A0}")
        }
        let text = (["accept NGI_IT-INFN-T1", "", "—— Zorb ——"] + paragraphs).joined(separator: "\n")
        let reply = ReplyText(text, sent: sent)
        #expect(commands(reply) == [.accept(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.last?.text.first == "—— Zorb ——")  // a separator line goes with the copy
    }

    @Test("a copy quoted with '>' is a quote: what is written below it stays new text (bottom-posting)")
    func bottomPosting() {
        let quoted = teamAssignedText.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }
        let text = (quoted + ["", "accept NGI_IT-INFN-T1"]).joined(separator: "\n")
        let reply = ReplyText(text, sent: sent)
        #expect(commands(reply) == [.accept(team: "NGI_IT-INFN-T1")])
        #expect(!reply.cuts.contains { $0.reason == .ownText })
    }

    @Test("a person's own lines that share a few words with the notification are kept")
    func shortOverlap() {
        let text = """
            accept NGI_IT-INFN-T1
            Please acknowledge the installation, we run the new version in production
            Paolo
            """
        let reply = ReplyText(text, sent: sent)
        #expect(reply.newLines == text.split(separator: "\n").map(String.init))
        #expect(reply.cuts.isEmpty)
    }

    @Test("a manager's assign line that lists the teams in the notification's order is not a copy")
    func assignLine() {
        let staged = OwnTextFingerprint(text: "Teams that adopt EMI: NGI_IT-INFN-T1, NGI_DE-FZK-LCG2, IBERGRID-LIP-Lisbon, NGI_FR-IN2P3-CC\n")
        let text = "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon NGI_FR-IN2P3-CC"
        let reply = ReplyText(text, sent: [staged])
        #expect(reply.newLines == [text])
    }

    @Test("the fingerprint survives its stored form")
    func storedForm() {
        let fingerprint = OwnTextFingerprint(text: teamAssignedText)
        #expect(OwnTextFingerprint(bytes: fingerprint.bytes) == fingerprint)
        #expect(fingerprint.bytes.count == fingerprint.shingles.count * 4)
        #expect(!fingerprint.isEmpty)
    }

    @Test("the sent text is read back from the gateway's own quoted-printable message")
    func sentMessageText() {
        let message = Array("""
            From: Staged Rollout <staged-rollout@rollout.example.org>\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding:\r
             quoted-printable\r
            \r
            Dear ea-NGI_IT-INFN-T1,\r
            \r
            you have been chosen as Early Adopter for Staged Rollout EMI-1.0 SE-DPM_mys=\r
            ql 1.8.0-1 =E2=80=94 caf=C3=A9\r

            """.utf8)
        #expect(SentMessageText.text(of: message) == "Dear ea-NGI_IT-INFN-T1,\r\n\r\nyou have been chosen as Early Adopter for Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 — café\r\n")
    }
}
