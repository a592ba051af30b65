import Foundation
internal import CGMime
import RolloutCore
import RolloutGateway

/// The common message of ``GMimeMessageWriter`` — one text/plain part, no attachment, header values that GMime would
/// write on one line each or fold by its own unstructured rule — assembled from GMime's encoders and folder without
/// building a `GMimeMessage`: the same bytes, for about a quarter of the instructions (issue 24: building, writing and
/// freeing the message's objects was most of composing a notice).
///
/// GMime still does the work that needs knowing MIME: the date (`g_mime_utils_header_format_date`), encoded words
/// (`g_mime_utils_header_encode_text`, `…_encode_phrase`), the folding of Subject and the other unstructured fields
/// (`g_mime_utils_unstructured_header_fold`) and the quoted-printable body (``GMimeMessageWriter/quotedPrintable(_:)``).
/// What is assembled here is the order of the fields and the lines GMime writes for them unchanged. Anything else —
/// an attachment, an address line GMime would fold, an address or ID it would write otherwise (quoted local part,
/// IDN, literal), an empty value, white space it treats its own way, a word too long for a line, text that looks like
/// an encoded word, a date outside GDateTime's range — returns nil, and the writer builds the message with GMime.
/// `PlainMessageAssemblyTests` compare the two on every shape the composer makes and on random values.
enum PlainMessageAssembly {
    /// Lines up to this many characters (without the line end) are written by GMime as they are.
    static let lineWidth = 78

    /// The longest word (the field name counted in the first) of an unstructured field assembled here.
    static let longestWord = 60

    /// The message's bytes with CRLF line ends, or nil when GMime must build it.
    static func bytes(of message: MailMessage) -> [UInt8]? {
        GMimeLibrary.ensureInitialized()
        guard message.attachments.isEmpty, !message.to.isEmpty, let date = formattedDate(message.date) else { return nil }
        var header = "Date: \(date)\n"
        guard let from = addressLine("From", [message.from]),
            let replyTo = addressLine("Reply-To", [message.replyTo]),
            let subject = unstructured("Subject", GMimeMessageWriter.cleanText(message.subject)),
            let to = addressLine("To", message.to.map { Mailbox(address: $0) })
        else { return nil }
        header += from + replyTo + subject + to
        let messageID = GMimeMessageWriter.clean(message.messageID)
        guard isPlainID(messageID) else { return nil }
        header += "Message-Id: <\(messageID)>\n"
        let writable = message.references.filter(ReferenceList.isWritable)
        if let last = writable.last {
            guard writable.allSatisfy(isPlainID) else { return nil }
            header += "In-Reply-To: <\(last)>\n"
            header += referencesLine(writable)
        }
        for (name, value) in message.extraHeaders {
            guard let line = unstructured(GMimeMessageWriter.headerName(name), GMimeMessageWriter.cleanText(value))
            else { return nil }
            header += line
        }
        header += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"

        var text = Array(message.body.utf8)
        if text.last != 0x0A { text.append(0x0A) }
        let body = GMimeMessageWriter.escapingLeadingDots(GMimeMessageWriter.quotedPrintable(text))
        var output: [UInt8] = []
        output.reserveCapacity(header.utf8.count + body.count + (header.utf8.count + body.count) / 30)
        var fields = header
        fields.withUTF8 { appendingCRLF($0, to: &output) }
        body.withUnsafeBufferPointer { appendingCRLF($0, to: &output) }
        return HeaderLineLimit.enforce(output)
    }

    /// `text` with every LF written CRLF (neither the header nor the encoded body holds a CR).
    private static func appendingCRLF(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var start = 0
        while let end = text[start...].firstIndex(of: 0x0A) {
            output.append(contentsOf: text[start..<end])
            output.append(0x0D)
            output.append(0x0A)
            start = end + 1
        }
        output.append(contentsOf: text[start...])
    }

    /// `Date`'s value as GMime writes it (UTC, whole seconds), or nil where the writer would leave the field out.
    private static func formattedDate(_ date: Date) -> String? {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 250_000_000_000, let dateTime = g_date_time_new_from_unix_utc(gint64(seconds))
        else { return nil }
        defer { g_date_time_unref(dateTime) }
        return taking(g_mime_utils_header_format_date(dateTime))
    }

    /// `Name: mailbox, mailbox` when GMime writes it on one line: plain ASCII addresses, display names as GMime's
    /// phrase encoder writes them.
    private static func addressLine(_ name: String, _ mailboxes: [Mailbox]) -> String? {
        var parts: [String] = []
        for mailbox in mailboxes {
            let address = GMimeMessageWriter.clean(mailbox.address.value)
            guard isPlainAddress(address) else { return nil }
            let display = GMimeMessageWriter.displayName(mailbox)
            if display.isEmpty {
                parts.append(address)
            } else {
                // Display names keep the phrase encoder's `b` and `q`: GMime writes address fields with it.
                guard let phrase = taking(g_mime_utils_header_encode_phrase(nil, display, "utf-8")) else { return nil }
                parts.append("\(phrase) <\(address)>")
            }
        }
        let line = "\(name): \(parts.joined(separator: ", "))"
        // GMime folds an address field from 78 characters on (one fewer than the unstructured ones).
        return line.utf8.count < lineWidth ? line + "\n" : nil
    }

    /// An unstructured field (Subject, the extra headers) encoded and folded by GMime; nil for a value GMime writes its
    /// own way: empty, with white space at either end, a tab, two spaces in a row, a word too long for a line (which
    /// GMime writes as encoded words to fold it), or text that looks like an encoded word (`=?`).
    private static func unstructured(_ name: String, _ value: String) -> String? {
        let value = HeaderLineLimit.breakingLongWords(value)
        guard let first = value.utf8.first, let last = value.utf8.last, first != 0x20, last != 0x20 else { return nil }
        var previous: UInt8 = 0
        var isASCII = true
        var word = name.utf8.count + 2
        for byte in value.utf8 {
            guard byte != 0x09, !(byte == 0x20 && previous == 0x20), !(byte == UInt8(ascii: "?") && previous == UInt8(ascii: "="))
            else { return nil }
            if byte >= 0x80 { isASCII = false }
            word = byte == 0x20 ? 0 : word + 1
            guard word <= longestWord else { return nil }
            previous = byte
        }
        guard let encoded = isASCII ? value : taking(g_mime_utils_header_encode_text(nil, value, "utf-8")).map(upperCasingEncodings)
        else { return nil }
        let line = "\(name): \(encoded)"
        if line.utf8.count <= lineWidth { return line + "\n" }
        return taking(g_mime_utils_unstructured_header_fold(nil, nil, line))
    }

    /// Encoded words with their encoding in capitals (`=?UTF-8?B?…?=`), as GMime writes a message's fields; its
    /// encoder called alone writes `b` and `q`.
    static func upperCasingEncodings(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "?")) else { return text }
        var bytes = Array(text.utf8)
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?") else {
                index += 1
                continue
            }
            // `=?charset?x?`: the letter after the charset's closing `?`.
            var cursor = index + 2
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "?"), bytes[cursor] > 0x20 { cursor += 1 }
            if cursor + 2 < bytes.count, bytes[cursor] == UInt8(ascii: "?"), bytes[cursor + 2] == UInt8(ascii: "?"),
                bytes[cursor + 1] == UInt8(ascii: "b") || bytes[cursor + 1] == UInt8(ascii: "q")
            {
                bytes[cursor + 1] -= 0x20
            }
            index = cursor
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// References, GMime's way: one ID after another on a line while it fits, a tab before each ID that does not.
    private static func referencesLine(_ ids: [String]) -> String {
        var output = "References:"
        var width = output.utf8.count
        for (index, id) in ids.enumerated() {
            let token = "<\(id)>"
            if index > 0, width + 1 + token.utf8.count >= lineWidth {
                output += "\n\t" + token
                width = 1 + token.utf8.count
            } else {
                output += " " + token
                width += 1 + token.utf8.count
            }
        }
        return output + "\n"
    }

    /// A Message-ID GMime writes in angle brackets as it is: RFC 5322 dot-atom text on both sides of one `@`.
    static func isPlainID(_ id: String) -> Bool {
        var ats = 0
        var previous = UInt8(ascii: "@")  // the start of a part: no dot may follow
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "@"):
                guard previous != UInt8(ascii: "."), previous != UInt8(ascii: "@") else { return false }
                ats += 1
            case UInt8(ascii: "."):
                guard previous != UInt8(ascii: "."), previous != UInt8(ascii: "@") else { return false }
            default:
                guard Atext.contains(byte) else { return false }
            }
            previous = byte
        }
        return ats == 1 && previous != UInt8(ascii: ".") && previous != UInt8(ascii: "@")
    }

    /// An address GMime writes as it is: a dot-atom local part, a dot-atom ASCII domain, no longer than SMTP carries.
    private static func isPlainAddress(_ address: String) -> Bool {
        address.utf8.count <= 254 && isPlainID(address)
    }

    /// A string GMime allocated, freed after it is copied.
    private static func taking(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { g_free(pointer) }
        return String(cString: pointer)
    }
}
