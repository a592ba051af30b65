import Foundation

/// The new text of a reply, line by line, and what was cut from it as old text (SPEC §5 "Commands").
///
/// Cut are: an unquoted copy of a message the gateway sent and everything below it (``OwnText``, when the caller
/// gives the fingerprints of the messages the reply may answer), `>` quoted lines (any depth), attribution lines
/// ("On … wrote:" and its forms in 23 languages, date-first, wrapped over two lines, Zoho's between dashes) with what
/// they introduce, "-----Original Message-----" separators and header blocks (Outlook desktop, web and mobile, Yahoo,
/// Zoho; and any header-like block in any language, ``headerLikeBlock``), Lotus Notes forwarding and header tables,
/// signatures after `-- ` or `__`, mobile signatures ("Sent from my iPhone") and list footers. Unquoted lines between
/// or below quotes stay: bottom-posting and inline replies are new text. Each kind of old text is one ``Recogniser`` in
/// ``recognisers``, tried in order on every line that is not already cut; each looks at a bounded number of lines, so
/// reading is linear in the text's size.
///
/// A line is what ends in LF or CRLF (``Swift/String/physicalLines``): a `>` quotes its whole line, whatever
/// U+2028, U+2029, NEL, VT, FF or lone CR it holds.
public struct ReplyText: Sendable, Equatable {
    /// Why lines were cut.
    public enum CutReason: String, Sendable, Equatable, CaseIterable {
        /// Lines quoted with `>`.
        case quote
        /// An attribution line ("On … wrote:") and the quote or message it introduces.
        case attribution
        /// An Outlook/Exchange "-----Original Message-----" separator and all below it.
        case originalMessage
        /// A header block of the original ("From: … Sent: … To: … Subject: …") and all below it.
        case headerBlock
        /// A forwarded message ("---------- Forwarded message ---------", Lotus Notes "----- Forwarded by …").
        case forwarded
        /// A signature after a line `-- ` (or `--`).
        case signature
        /// A mailing list footer (Mailman, Google Groups).
        case listFooter
        /// The text of a message the gateway sent, copied unquoted into the reply (found by ``OwnText``), with the
        /// attribution above it, and everything below.
        case ownText = "own-text"
    }

    /// Lines that were cut, for `explain`.
    public struct Cut: Sendable, Equatable {
        public var reason: CutReason
        /// The cut lines' positions in the reply's text (0-based).
        public var lines: Range<Int>
        /// The cut lines.
        public var text: [String]

        public init(reason: CutReason, lines: Range<Int>, text: [String]) {
            self.reason = reason
            self.lines = lines
            self.text = text
        }
    }

    /// The new text, line by line, in order.
    public var newLines: [String]
    /// What was cut, in order.
    public var cuts: [Cut]
    /// The new text as its reader sees it: ``newLines`` with the `>` quoted lines they answer in place — a quote
    /// (with the attribution line above it left out) that stands above some of the new text, as in an inline or a
    /// bottom-posted reply. Context only: commands are read from ``newLines`` alone, and quoted lines are never commands.
    public var shownLines: [String] { shown.map(\.text) }
    /// ``shownLines``, each with its place in ``newLines`` (nil for a quoted line of context).
    var shown: [ShownLine]

    /// A line of ``shownLines``.
    struct ShownLine: Sendable, Equatable {
        var text: String
        /// Its index in ``newLines``; nil for a quoted line shown as context.
        var newIndex: Int?
    }
    /// The lines of ``newLines`` where the leading command block may stand: the new text's first run of lines, when the
    /// reply starts with it (top-posted), or the run just below the quoted original, when the reply starts with a quote
    /// (or an attribution and its quote) and no quote follows that run (bottom-posted; between two quotes is an inline
    /// answer). Empty when neither.
    var openingRun: Range<Int>

    /// Splits a reply's readable text into new text and cut old text.
    ///
    /// - Parameter sent: fingerprints of the messages the reply may answer: the new text ends where a copy of one of
    ///   them starts (``OwnText``), whatever attribution or layout surrounds it.
    public init(_ text: String, sent: [OwnTextFingerprint] = []) {
        let all = Self.lines(of: text)
        self.init(lines: all, ownTextStart: sent.isEmpty ? nil : OwnText.start(in: all, sent: sent))
    }

    /// The reply read again knowing the messages it may answer, or nil when it holds no copy of them (then the reading
    /// without them stands): for a caller that read the reply before it could know them.
    public static func endingAtOwnText(_ text: String, sent: [OwnTextFingerprint]) -> ReplyText? {
        let all = lines(of: text)
        guard let start = OwnText.start(in: all, sent: sent) else { return nil }
        return ReplyText(lines: all, ownTextStart: start)
    }

    private init(lines all: [String], ownTextStart: Int?) {
        let lines = ownTextStart.map { Array(all[..<$0]) } ?? all
        let reading = Reading(lines)
        var newLines: [String] = []
        var origins: [Int] = []  // each new line's position in `lines`
        var cuts: [Cut] = []
        // Runs of new lines between cuts, as ranges of `newLines`, each with the reason of the cut just above it.
        var runs: [(lines: Range<Int>, below: CutReason?)] = [(0..<0, nil)]
        var index = 0
        scan: while index < lines.count {
            for recogniser in Self.recognisers {
                guard let match = recogniser.match(reading, index) else { continue }
                let end = match.toEnd ? lines.count : max(match.end, index + 1)
                var text = Array(lines[index..<end])
                if let head = match.head {
                    // The sender's words on the line where the old text starts stay new text.
                    newLines.append(head)
                    origins.append(index)
                    runs[runs.count - 1].lines = runs[runs.count - 1].lines.lowerBound..<newLines.count
                    text[0] = String(lines[index].dropFirst(match.headLength))
                }
                cuts.append(Cut(reason: recogniser.reason, lines: index..<end, text: text))
                runs.append((newLines.count..<newLines.count, recogniser.reason))
                index = end
                continue scan
            }
            newLines.append(lines[index])
            origins.append(index)
            runs[runs.count - 1].lines = runs[runs.count - 1].lines.lowerBound..<newLines.count
            index += 1
        }
        // A sign-off is cut only where the message ends with it: above the quoted original (or any old text but a
        // signature) the sender's lines are never cut.
        let lastNewLine = newLines.lastIndex(where: { !Self.isBlank($0) }).map { origins[$0] } ?? -1
        let endsMessage = ownTextStart == nil && !cuts.contains { $0.reason != .signature && $0.lines.lowerBound >= lastNewLine }
        if let signOff = SignOff.start(in: newLines, signOffs: endsMessage) {
            let from = origins[signOff]
            let through = origins[newLines.count - 1] + 1
            cuts.append(Cut(reason: .signature, lines: from..<through, text: Array(lines[from..<through])))
            newLines.removeSubrange(signOff...)
            for run in runs.indices {
                let bounds = runs[run].lines.clamped(to: 0..<newLines.count)
                runs[run].lines = bounds.isEmpty ? newLines.count..<newLines.count : bounds
            }
        }
        if let start = ownTextStart {
            cuts.append(Cut(reason: .ownText, lines: start..<all.count, text: Array(all[start...])))
        }
        self.newLines = newLines
        self.cuts = cuts.sorted { $0.lines.lowerBound < $1.lines.lowerBound }
        self.shown = Self.shown(newLines, at: origins, quotes: self.cuts, of: lines)
        self.openingRun = Self.openingRun(runs, newLines)
    }

    /// See ``shownLines``: the new lines (at their positions `origins` in `lines`) and, among them, the quoted lines of
    /// the quotes and attributions cut above the last new line.
    private static func shown(_ newLines: [String], at origins: [Int], quotes cuts: [Cut], of lines: [String]) -> [ShownLine] {
        var shown = newLines.indices.map { (origin: origins[$0], line: ShownLine(text: newLines[$0], newIndex: $0)) }
        // The sender's words answer a quote; a command below it does not (a quote above only commands stays cut, so
        // that such a reply relays no conversation).
        guard let last = newLines.lastIndex(where: { !isBlank($0) && CommandGrammar.read($0) == .text }) else {
            return shown.map(\.line)
        }
        // Only a bare quote: a quote an attribution introduces is the original answered, not a passage picked out.
        for cut in cuts where cut.reason == .quote && cut.lines.upperBound <= origins[last] {
            // A line that lost its `>` when a client re-wrapped the quote gets it back: shown, it is still the quote's.
            shown += cut.lines.map { index in
                let text = lines[index]
                let marked = isQuoted(text) || isBlank(text) ? text : "> " + text
                return (origin: index, line: ShownLine(text: marked, newIndex: nil))
            }
        }
        return shown.sorted { $0.origin < $1.origin }.map(\.line)
    }

    /// See ``openingRun``.
    private static func openingRun(_ runs: [(lines: Range<Int>, below: CutReason?)], _ newLines: [String]) -> Range<Int> {
        let isQuote: (CutReason?) -> Bool = { $0 == .quote || $0 == .attribution }
        // Top-posted: the text starts with something other than blank lines before the first cut.
        if newLines[runs[0].lines].contains(where: { !isBlank($0) }) { return runs[0].lines }
        // Bottom-posted: the first cut is a quote, and the run below it is not followed by another quote.
        guard runs.count >= 2, isQuote(runs[1].below) else { return 0..<0 }
        if runs.count >= 3, isQuote(runs[2].below) { return 0..<0 }
        return runs[1].lines
    }

    /// The shown text's lines (``shownLines``): those of the new text read through ``CommandGrammar``, the quoted
    /// lines of context as ``CommandLineReading/quoted`` (never commands). Lines of the leading command block are
    /// marked ``ReadLine/leading`` (``LeadingCommandBlock``); all others are not.
    public var readLines: [ReadLine] {
        var read = newLines.map { ReadLine($0, leading: false) }
        let end = LeadingCommandBlock.end(of: read[openingRun])
        for index in openingRun.lowerBound..<end { read[index].leading = true }
        return shown.map { line in
            line.newIndex.map { read[$0] } ?? ReadLine(text: line.text, reading: .quoted, leading: false)
        }
    }

    /// The new text, joined with line feeds.
    public var newText: String { newLines.joined(separator: "\n") }

    /// The shown text (``shownLines``), joined with line feeds.
    public var shownText: String { shownLines.joined(separator: "\n") }

    /// The lines of a text: only LF and CRLF end a line (``Swift/String/physicalLines``).
    static func lines(of text: String) -> [String] { text.physicalLines }
}

// MARK: - Recognisers

extension ReplyText {
    /// Where a recogniser's old text ends.
    struct Match {
        /// The line after the last cut line.
        var end: Int
        /// Whether everything from the match down is old text.
        var toEnd: Bool
        /// The sender's words at the start of the first line, when the old text starts amid it ("reply On … wrote:"),
        /// and how many characters of the line they and what separates them from the old text take.
        var head: String? = nil
        var headLength = 0

        static let restOfMessage = Match(end: .max, toEnd: true)
        static func through(_ end: Int) -> Match { Match(end: end, toEnd: false) }
    }

    /// One kind of old text: given the reply and the current line's index, whether old text starts there.
    struct Recogniser: Sendable {
        var reason: CutReason
        var match: @Sendable (_ reading: Reading, _ index: Int) -> Match?

        init(reason: CutReason, match: @escaping @Sendable (_ reading: Reading, _ index: Int) -> Match?) {
            self.reason = reason
            self.match = match
        }

        init(reason: CutReason, lines match: @escaping @Sendable (_ lines: [String], _ index: Int) -> Match?) {
            self.reason = reason
            self.match = { match($0.lines, $1) }
        }
    }

    /// The recognisers, most specific first.
    static let recognisers: [Recogniser] = [
        Recogniser(reason: .listFooter, lines: listFooter),
        Recogniser(reason: .signature, lines: signature),
        Recogniser(reason: .originalMessage, lines: separator(OldText.originalMessageSeparators)),
        Recogniser(reason: .forwarded, lines: separator(OldText.forwardSeparators)),
        Recogniser(reason: .originalMessage, lines: messageSeparator),
        Recogniser(reason: .forwarded, lines: forwardIntro),
        Recogniser(reason: .headerBlock, lines: headerBlock),
        Recogniser(reason: .headerBlock, lines: headerLikeBlock),
        Recogniser(reason: .headerBlock, lines: lotusNotesSentBy),
        Recogniser(reason: .attribution, lines: attributionAmidLine),
        Recogniser(reason: .attribution, lines: attribution),
        Recogniser(reason: .attribution, match: bareDateFirstAttribution),
        Recogniser(reason: .quote, lines: quote),
        Recogniser(reason: .signature, lines: underscoreRule),
        Recogniser(reason: .signature, match: deviceSignature),
    ]

    /// The recognisers of old text that a device signature may stand above.
    static var oldTextRecognisers: ArraySlice<Recogniser> { recognisers.dropLast(2) }

    // MARK: Quotes

    static func isQuoted(_ line: String) -> Bool {
        line.drop(while: { $0 == " " || $0 == "\t" }).first == ">"
    }

    static func isBlank(_ line: String) -> Bool { line.allSatisfy(\.isWhitespace) }

    /// A run of `>` lines (blank lines inside the run belong to it).
    static func quote(_ lines: [String], _ index: Int) -> Match? {
        guard isQuoted(lines[index]) else { return nil }
        return .through(endOfQuote(lines, from: index))
    }

    /// The line after a quote starting at `index`: quoted lines, blank lines followed by more quoted lines, and lines
    /// that lost their `>` when a client re-wrapped the quote (``isLostQuoteLine``).
    static func endOfQuote(_ lines: [String], from index: Int) -> Int {
        var end = index
        var probe = index
        while probe < lines.count {
            if isQuoted(lines[probe]) {
                end = probe + 1
            } else if !isBlank(lines[probe]) {
                guard probe == end, probe + 1 < lines.count, isQuoted(lines[probe + 1]),
                    isLostQuoteLine(lines[probe], below: lines[probe - 1])
                else { break }
                end = probe + 1
            }
            probe += 1
        }
        return end
    }

    // MARK: Separators and header blocks

    /// A line of dashes around one of `phrases` ("-----Original Message-----").
    static func separator(_ phrases: Set<String>) -> @Sendable ([String], Int) -> Match? {
        { lines, index in
            // Emphasis around the whole line ("*-------- Original Message --------*") is HTML's <b> turned into text.
            let line = lines[index].trimmingWhitespace().trimming(anyOf: "*_ ")
            guard line.hasPrefix("--"), line.hasSuffix("--") || line.hasSuffix(":") else { return nil }
            // Turkish "İ" lower-cases to "i" and a combining dot.
            let phrase = line.trimming(anyOf: "-:*_ ").lowercased()
                .replacingOccurrences(of: "\u{307}", with: "")
            return phrases.contains(phrase) ? .restOfMessage : nil
        }
    }

    /// Apple Mail's "Begin forwarded message:", Lotus Notes' "----- Forwarded by Mario Rossi/INFN on … -----".
    static func forwardIntro(_ lines: [String], _ index: Int) -> Match? {
        OldText.isForwardIntro(lines[index]) ? .restOfMessage : nil
    }

    /// A header block of the original message: two or more header lines in a row ("From: …", "Sent: …"), one of them
    /// naming the sender, in any of the languages in ``OldText/headerNames``. An underscore line just above (Outlook)
    /// is part of it.
    static func headerBlock(_ lines: [String], _ index: Int) -> Match? {
        // A block starts at the first line of a run: from the run's next line on, it was looked for already.
        if index > 0, OldText.headerName(of: lines[index - 1]) != nil { return nil }
        var start = index
        if OldText.isUnderscoreLine(lines[index]) {
            start = index + 1
            while start < lines.count, isBlank(lines[start]) { start += 1 }
        }
        var names: [OldText.HeaderName] = []
        var probe = start
        // Looked for in the first lines of a run only: read to its end from every line, a run of header-like
        // lines costs the square of its length (2,000 "Subject:" lines took 20 s; found by Fuzz/MIME).
        while probe < lines.count, probe - start < maximumHeaderBlockLines {
            if let name = OldText.headerName(of: lines[probe]) {
                names.append(name)
                probe += 1
            } else if !names.isEmpty, isHeaderContinuation(lines, probe, isField: { OldText.headerName(of: $0) != nil }) {
                probe += 1
            } else {
                break
            }
        }
        guard names.count >= 2, names.contains(.from), names.contains(where: { $0 != .from }) else { return nil }
        return .restOfMessage
    }

    /// The most lines of a quoted header block read for its From (Outlook writes five or six).
    static let maximumHeaderBlockLines = 16

    /// Lotus Notes' header table: a name line, then "Sent by: …", then the date and "To"/"cc"/"Subject" cells.
    static func lotusNotesSentBy(_ lines: [String], _ index: Int) -> Match? {
        let line = lines[index]
        let next = index + 1 < lines.count ? lines[index + 1] : ""
        if OldText.isSentBy(line) { return .restOfMessage }
        // The sender's name line above "Sent by:" ("Mario Rossi/INFN@INFN") belongs to the table.
        if OldText.isSentBy(next), line.containsBytes("/") || line.containsBytes("@"), line.split(separator: " ").count <= 6 {
            return .restOfMessage
        }
        return nil
    }

    // MARK: Signatures and footers

    /// A signature: everything after a line that is exactly `-- ` (RFC 3676 §4.3) or `--`.
    static func signature(_ lines: [String], _ index: Int) -> Match? {
        lines[index] == "-- " || lines[index] == "--" ? .restOfMessage : nil
    }

    /// A signature after a line `__` (or `__ `), the underscore kin of `-- `. A longer underscore rule is no
    /// signature unless a header block or list footer follows it (those recognisers come first).
    static func underscoreRule(_ lines: [String], _ index: Int) -> Match? {
        lines[index] == "__" || lines[index] == "__ " ? .restOfMessage : nil
    }

    /// A list footer: Mailman's underscore line followed by list information, Google Groups' "You received this
    /// message because you are subscribed…" (after a `-- ` line or not), or a line starting "To unsubscribe".
    static func listFooter(_ lines: [String], _ index: Int) -> Match? {
        let line = lines[index]
        if OldText.isListFooterText(line) { return .restOfMessage }
        if line == "-- " || line == "--", index + 1 < lines.count, OldText.isListFooterText(lines[index + 1]) {
            return .restOfMessage
        }
        if OldText.isUnderscoreLine(line) {
            let following = lines[(index + 1)...].prefix(4)
            if following.contains(where: OldText.isListInformation) { return .restOfMessage }
        }
        return nil
    }
}

// MARK: - The tables

/// The words and patterns that mark old text, by client and language.
enum OldText {
    /// Phrases between dashes that start an Outlook/Exchange original message, lower-cased.
    static let originalMessageSeparators: Set<String> = [
        "original message", "ursprüngliche nachricht", "original-nachricht", "originalnachricht",
        "message d'origine", "message d’origine", "message original", "messaggio originale", "mensaje original",
        "oorspronkelijk bericht", "origineel bericht", "ursprungligt meddelande", "wiadomość oryginalna",
        "původní zpráva", "mensagem original", "mensagem de origem", "oprindelig meddelelse", "original meddelelse",
        "opprinnelig melding", "original melding", "alkuperäinen viesti", "eredeti üzenet", "mesaj original",
        "mesajul original", "αρχικό μήνυμα", "özgün ileti", "orijinal mesaj", "orijinal ileti", "исходное сообщение",
        "оригинальное сообщение", "оригінальне повідомлення", "вихідне повідомлення", "оригинално съобщение",
        "原始邮件", "原始郵件", "原始信件", "元のメッセージ", "원본 메시지", "original", "原始邮件信息",
    ]

    /// Phrases between dashes that start a forwarded message (Gmail, Thunderbird), lower-cased.
    static let forwardSeparators: Set<String> = [
        "forwarded message", "weitergeleitete nachricht", "message transféré", "messaggio inoltrato",
        "mensaje reenviado", "doorgestuurd bericht", "vidarebefordrat meddelande", "wiadomość przekazana",
        "przekazana wiadomość", "přeposlaná zpráva", "mensagem encaminhada", "videresendt meddelelse",
        "videresendt melding", "välitetty viesti", "továbbított üzenet", "mesaj redirecționat", "mesaj redirectionat",
        "προωθημένο μήνυμα", "iletilen ileti", "пересылаемое сообщение", "переслане повідомлення",
        "препратено съобщение", "转发的邮件", "轉寄的郵件", "転送されたメッセージ", "전달된 메시지", "forwarded message",
    ]

    /// The header fields that appear in a quoted header block.
    enum HeaderName: Sendable {
        case from, sent, date, to, cc, subject, replyTo
    }

    /// Header names of quoted header blocks (Outlook desktop, web and mobile, Outlook for Mac, Yahoo, Zoho, webmail,
    /// Lotus Notes) in 23 languages, lower-cased.
    static let headerNames: [String: HeaderName] = {
        var table: [String: HeaderName] = [:]
        let byField: [(HeaderName, [String])] = [
            (.from, [
                "from", "von", "de", "da", "od", "van", "från", "expéditeur", "fra", "lähettäjä", "feladó", "de la", "από",
                "kimden", "от", "від", "发件人", "寄件者", "寄件人", "差出人", "보낸 사람", "remetente", "afzender", "absender", "mittente",
                "remitente", "nadawca", "odesílatel", "avsändare", "afsender", "avsender", "lähettäjä"]),
            (.sent, [
                "sent", "gesendet", "envoyé", "inviato", "enviado", "enviada", "wysłano", "odesláno", "verzonden",
                "skickat", "sendt", "lähetetty", "elküldve", "küldve", "trimis", "στάλθηκε", "gönderildi",
                "gönderilme tarihi", "отправлено", "надіслано", "изпратено", "发送时间", "寄件日期", "送信日時", "보낸 날짜", "enviado em"]),
            (.date, [
                "date", "datum", "data", "fecha", "datum odeslání", "dato", "päivämäärä", "päiväys", "dátum", "dată",
                "ημερομηνία", "tarih", "дата", "日期", "日付", "날짜"]),
            (.to, [
                "to", "an", "à", "a", "para", "do", "komu", "aan", "till", "pour", "til", "vastaanottaja", "címzett",
                "către", "catre", "προς", "kime", "кому", "до", "收件人", "收件者", "宛先", "받는 사람", "destinatário", "destinatario",
                "destinataire", "empfänger", "adresát", "mottagare", "modtager", "mottaker"]),
            (.cc, [
                "cc", "kopie", "kopia", "kopie an", "kopio", "másolat", "κοιν", "κοιν.", "bilgi", "копия", "копія", "抄送",
                "副本", "kopi", "cc to"]),
            (.subject, [
                "subject", "betreff", "objet", "oggetto", "asunto", "temat", "předmět", "onderwerp", "ämne", "assunto",
                "emne", "aihe", "tárgy", "subiect", "θέμα", "konu", "тема", "относно", "主题", "主旨", "件名", "제목"]),
            (.replyTo, [
                "reply-to", "reply to", "risposta", "rispondi a", "antwort an", "répondre à", "responder a", "svar til",
                "svara till", "antwoord aan", "odpowiedź do", "odpovědět", "ответить", "відповісти"]),
        ]
        for (field, names) in byField { for name in names { table[name] = field } }
        return table
    }()

    /// The header name a line starts with ("From: …", "*Von:* …", "Subject:\t…"), if it is one of ``headerNames``.
    static func headerName(of line: String) -> HeaderName? {
        let text = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "*" })
        // An ASCII line's colon is found by byte (comparing each character with two colons was a fiftieth of an
        // ingest); only another line can hold the full-width one, or a colon that a combining mark makes another
        // character.
        let colon: Substring.Index?
        if text.isASCII {
            colon = text.utf8.firstIndex(of: UInt8(ascii: ":"))
        } else {
            colon = text.firstIndex(where: { $0 == ":" || $0 == "：" })
        }
        guard let colon else { return nil }
        let name = text[..<colon].trimming(anyOf: "* \t").lowercased()
        guard name.count <= 20 else { return nil }
        return headerNames[name]
    }

    static func isUnderscoreLine(_ line: String) -> Bool {
        let text = line.trimmingWhitespace()
        return text.count >= 10 && text.allSatisfy { $0 == "_" }
    }

    /// A line of a list footer below Mailman's underscore line.
    static func isListInformation(_ line: String) -> Bool {
        let text = line.lowercased()
        return ["mailing list", "listinfo", "unsubscribe", "mailman"].contains { text.containsBytes($0) }
    }

    /// The first line of a Google Groups or similar footer.
    static func isListFooterText(_ line: String) -> Bool {
        let text = line.trimmingWhitespace().lowercased()
        return text.hasPrefix("you received this message because you are subscribed") || text.hasPrefix("to unsubscribe")
    }

    /// How mobile mail programs sign, lower-cased: the start of the line ("Sent from my iPhone", "Enviado desde mi
    /// Galaxy", "Отправлено с iPhone") or its end ("Von meinem iPhone gesendet", "iPhone-ről küldve", "iPhoneから送信").
    static let mobileSignaturePrefixes: [String] = [
        "sent from my ", "sent from outlook for ", "sent from yahoo mail", "sent from mail for windows",
        "sent from samsung", "sent from proton mail", "get outlook for ", "envoyé de mon ", "envoyé depuis mon ",
        "envoyé à partir de ", "obtenir outlook pour ", "gesendet von meinem ", "gesendet mit ",
        "holen sie sich outlook für ", "inviato da ", "inviato dal mio ", "scarica outlook per ", "enviado desde mi ",
        "obtener outlook para ", "enviado do meu ", "enviado de meu ", "obter o outlook para ", "sendt fra min ",
        "skickat från min ", "verzonden vanaf mijn ", "verstuurd vanaf mijn ", "verzonden met ", "wysłane z mojego ",
        "wysłano z ", "odesláno z ", "lähetetty iphone", "lähetetty android", "trimis de pe ", "στάλθηκε από ",
        "отправлено с ", "отправлено из ", "надіслано з ", "изпратено от ", "从我的", "发自我的", "發自我的", "寄件者：我的",
        "sent from samsung mobile",
    ]
    static let mobileSignatureSuffixes: [String] = [
        " gesendet", " küldve", "'dan gönderildi", "'umdan gönderildi", "’dan gönderildi", "から送信", "에서 보냄",
    ]

    /// Lotus Notes' "Sent by:" cell.
    static func isSentBy(_ line: String) -> Bool {
        line.trimmingWhitespace().lowercased().hasPrefix("sent by:")
    }

    /// Apple Mail's "Begin forwarded message:" and Lotus Notes' "----- Forwarded by … -----".
    static func isForwardIntro(_ line: String) -> Bool {
        let text = line.trimmingWhitespace().lowercased()
        if text == "begin forwarded message:" { return true }
        return text.hasPrefix("---") && text.trimming(anyOf: "- ").hasPrefix("forwarded by ")
    }

    // MARK: Attributions

    /// Attribution forms that open with a word of their language ("On …", "Am …", "Le …"), or that name the sender's
    /// address and a date: distinctive enough to cut everything below them when no quote follows, and recognised when a
    /// client wraps them over two lines.
    static let openingAttributions: [NSRegularExpression] = compile([
        #"^On\s.+\s(wrote|sent)\s*:$"#,  // English: Gmail, Thunderbird, Apple Mail, mutt, Yahoo; "sent:" (Apple Mail)
        #"^Am\s.+\sschrieb(\s.*)?:$"#,  // German
        #"^Le\s.+\sa\s+écrit\s*:$"#,  // French
        #"^Il\s.+\sha\s+scritto\s*:$"#,  // Italian
        #"^El\s.+\s(escribió|ha\s+escrit)\s*:$"#,  // Spanish, Catalan
        #"^W\s+dniu\s.+\s(pisze|napisał\(a\)|napisał|napisała)\s*:$"#,  // Polish
        #"^Dne\s.+\snapsal(\(a\)|a)?\s*:$"#,  // Czech
        #"^Op\s.+\s(schreef|geschreven)(\s.*)?:$"#,  // Dutch ("… heeft X het volgende geschreven:")
        #"^(Den|På)\s.+\sskrev(\s.*)?:$"#,  // Swedish, Danish, Norwegian
        #"^Vào\s.+\sđã\s+viết\s*:$"#,  // Vietnamese
        #"^Em\s.+\sescreveu\s*:$"#,  // Portuguese
        #"^În\s.+\sa\s+scris\s*:$"#,  // Romanian
        #"^Στις\s.+\sέγραψε\s*:$"#,  // Greek
        #"^На\s.+\sнаписа(л|ла)?\s*:$"#,  // Bulgarian, Russian
        #"^在\s*.+\s*(写道|寫道)\s*[:：]$"#,  // Chinese
        #"^.+\swrote\s+on\s.+:$"#,  // Lotus Notes: "Mario Rossi/INFN wrote on 30/11/2026 15:02:"
        // Gmail's date-first forms, in any language: "2026-11-27 15:00 GMT+01:00 X <x@y>:", "пт, 27 нояб. 2026 г. в
        // 15:00, X <x@y>:", "2026年11月27日(金) 15:00 X <x@y>:", "… X <x@y>님이 작성:"
        #"^.*\d.*<[^<>\s]+@[^<>\s]+>\s*(님이\s*작성|のメッセージ)?\s*[:：]$"#,
        // The verb amid the line, with an address and a date: "fre. 27. nov. 2026 kl. 15:00 skrev X <x@y>:" (Gmail in
        // Norwegian, Danish, Swedish), "X <x@y> schrieb am Fr., 27. Nov. 2026 um 15:00 Uhr:" (Gmail in German)
        #"^(?=.*@)(?=.*\d).+\s(schrieb|skrev|schreef)\s.+:$"#,
    ])

    /// Attribution forms without an opening word ("Mario Rossi wrote:", Gmail's Polish "pon., 30 lis 2026 o 15:02
    /// Mario Rossi <m@x> napisał(a):"): taken as attributions only above a quote, or when they name an address or a time.
    static let closingAttributions: [NSRegularExpression] = compile([
        // The verb of each language at the end: English, German, French, Italian, Spanish, Polish, Czech, Dutch,
        // Swedish/Danish/Norwegian, Portuguese, Finnish, Hungarian ("ezt írta (időpont: …):"), Romanian, Greek, Turkish,
        // Russian, Ukrainian, Bulgarian.
        #"^.+\s(wrote|schrieb|a\s+écrit|ha\s+scritto|escribió|pisze|napisał\(a\)|napisał|napisała|napsal\(a\)|napsala|napsal|schreef|geschreven|skrev|escreveu|ha\s+escrit|đã\s+viết|kirjoitti|(ezt\s+)?írta(\s*\(.+\))?|a\s+scris|έγραψε|(şunu\s+)?yazdı|написал\(а\)|написала|написал|пишет|пише|написав\(ла\)|написала|написав|написа)\s*:$"#,
        #"^.+(写道|寫道|님이\s*작성|작성|のメッセージ)\s*[:：]$"#,  // Chinese, Korean, Japanese
        #"^(Quoting|Zitat von|Citando|Citation de|Cytat|Цитата)\s.+:$"#,  // Horde and other webmail
        #"^\*\s.+\s\[.+\]\s*:$"#,  // mutt's "* Mario Rossi <m@x> [2026-11-30 15:02]:"
    ])

    /// Words that open an attribution, for the first line of one wrapped over two lines.
    static let openingWords: NSRegularExpression = compile([#"^(On|Am|Le|Il|El|W\s+dniu|Dne|Op|Den|På|Em|În|Στις|На|Vào|在)\s"#])[0]

    /// Whether `text` starts with one of ``openingWords``. A text starting with an ASCII character that no opening word
    /// starts with, without regard to case, is not asked (Foundation's regular expressions go through NSString on Linux).
    static func opensWithOpeningWord(_ text: String) -> Bool {
        if let first = text.utf8.first, first < 0x80, !"OALIEWDPVoaliewdpv".utf8.contains(first) { return false }
        return matches(openingWords, text)
    }

    /// The same words amid a line, after a blank or a dash: where an attribution glued to the sender's words starts.
    static let openingWordsAmidLine: NSRegularExpression = compile([
        #"(?<=[\s\-])(On|Am|Le|Il|El|W\s+dniu|Dne|Op|Den|På|Em|În|Στις|На|Vào)\s"#
    ])[0]

    private static func compile(_ patterns: [String]) -> [NSRegularExpression] {
        patterns.compactMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
    }

    /// How sure a line is an attribution: ``opening`` and ``closing`` as above; ``colonless`` is Gmail's date-first
    /// form without its colon ("2011/4/7 Nathan <n@x>"), an attribution only directly above a quote.
    enum AttributionForm { case opening, closing, colonless }

    /// Whether a line is an attribution, and of which form. Long lines are never attributions.
    static func attributionForm(_ line: String) -> AttributionForm? {
        var text = line.trimmingWhitespace()
        // Zoho: "---- On Fri, 27 Nov 2026 15:00:00 +0100 X<x@y> wrote ----"; emphasis from HTML: "*On … wrote:*".
        if text.hasPrefix("--"), text.hasSuffix("--") {
            text = text.trimming(anyOf: "- ") + ":"
        } else if text.hasPrefix("*"), text.hasSuffix("*") {
            text = text.trimming(anyOf: "* ")
        }
        guard text.count <= 240 else { return nil }
        // A client that wrapped the address ("<" / "m@x>") or wrote no space before the verb ("<m@x>wrote:").
        // (ASCII text byte by byte, which is what Foundation's search, through NSString on Linux, does for it.)
        if text.isASCII {
            text = text.replacingBytes("< ", with: "<").replacingBytes(" >", with: ">")
        } else {
            text = text.replacingOccurrences(of: "< ", with: "<").replacingOccurrences(of: " >", with: ">")
        }
        if text.containsBytes(">") { text = spacedAfterAngle(text) }
        guard text.hasSuffix(":") || text.hasSuffix("：") else {
            // Without a colon ("On … Mario <m@x> wrote"): only the forms that open with a word and end in the verb,
            // naming an address or a time (not an address that goes on on the next line: "… <m@x" / ">:").
            let balanced = text.filter { $0 == "<" }.count == text.filter { $0 == ">" }.count
            if opensWithOpeningWord(text), text.last?.isLetter == true, balanced, namesAddressOrTime(text),
                openingAttributions.contains(where: { matches($0, text + ":") })
            {
                return .opening
            }
            // (The pattern starts with a digit: a line starting with another ASCII character is not asked.)
            guard let first = text.utf8.first, first >= 0x80 || (0x30...0x39).contains(first) else { return nil }
            return matches(colonlessDateFirst, text) ? .colonless : nil
        }
        if openingAttributions.contains(where: { matches($0, text) }) { return .opening }
        if closingAttributions.contains(where: { matches($0, text) }) { return .closing }
        return nil
    }

    /// Gmail's date-first attribution without its colon: a date, a name and an address in angle brackets at the end.
    static let colonlessDateFirst: NSRegularExpression = compile([#"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s.*<[^<>\s]+@[^<>\s]+>$"#])[0]

    /// The text with a space after every `>` that a letter follows directly.
    static func spacedAfterAngle(_ text: String) -> String {
        // ASCII by byte: there a character is a byte, and a letter is A–Z or a–z (a tenth of the cost of a reply's
        // reading went to walking characters here).
        text.isASCII ? spacedAfterAngle(ascii: text) : spacedAfterAngle(characters: text)
    }

    static func spacedAfterAngle(ascii text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: ">"), (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) { bytes.append(0x20) }
            bytes.append(byte)
            previous = byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func spacedAfterAngle(characters text: String) -> String {
        var out = ""
        var previous: Character?
        for character in text {
            if previous == ">", character.isLetter { out.append(" ") }
            out.append(character)
            previous = character
        }
        return out
    }

    /// Whether a line names an address (`<m@x>`, `m@x`) or a time (`15:02`): what makes a closing form an attribution
    /// even without a quote below it.
    static func namesAddressOrTime(_ line: String) -> Bool {
        if line.containsBytes("@") { return true }
        return line.contains(where: \.isNumber) && matches(timePattern, line)
    }

    /// Whether `pattern` matches somewhere in `text` (the patterns anchor themselves where they must).
    static func matches(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static let timePattern: NSRegularExpression = compile([#"\d{1,2}:\d{2}"#])[0]
}
