import Foundation
internal import CGMime
import RolloutCore
import RolloutGateway

/// The ``MessageWriter`` over GMime 3: GMime writes the message (addresses, RFC 2047 encoded words in UTF-8,
/// header folding, the date, quoted-printable) with CRLF line ends. The common message — one text part, fields GMime
/// keeps on one line or folds its unstructured way — is assembled from GMime's encoders and folder
/// (``PlainMessageAssembly``); any other is built as a `GMimeMessage` and written by GMime (``built(_:)``). Both give
/// the same bytes (`PlainMessageAssemblyTests`).
///
/// Three things are done here because GMime does not do them:
/// - Every header value is cleaned of CR, LF and other control characters (C0, DEL, C1, U+2028, U+2029)
///   before it reaches GMime, so that nothing taken from a ticket, a team name or a file name can add a
///   header: GMime folds long values but passes what it is given through a custom header.
/// - GMime's quoted-printable encoder leaves a `.` at the start of a line as it is (a line `.` stays `.`).
///   The body is therefore encoded with GMime's encoder (`g_mime_encoding_flush`), then every encoded line
///   that starts with `.` gets it as `=2E` (re-broken with a soft line break when that passes 76
///   characters), and the part is given that content as already quoted-printable, so GMime writes it as is.
///   No SMTP server or client can take a line of the body for the end of the data.
///   (GMime's own SMTP safety, `GMimeFilterSmtpData`, dot-stuffs for the DATA phase: that is the transport's
///   job — libcurl does it — and would corrupt a message stored in a Maildir.)
/// - No header line passes 998 characters (RFC 5322 §2.1.1): what GMime could not fold is folded at white
///   space by ``HeaderLineLimit``, and a field that still cannot fit is left out.
///
/// Each call makes and frees its own GMime objects; safe to use from several threads.
public struct GMimeMessageWriter: MessageWriter {
    public init() {}

    public func write(_ message: MailMessage) -> [UInt8] {
        PlainMessageAssembly.bytes(of: message) ?? built(message)
    }

    /// The message built as a `GMimeMessage` and written by GMime: every message ``PlainMessageAssembly`` leaves, and
    /// the reference the assembly is compared with (its tests, the `templates` fuzz target).
    public func built(_ message: MailMessage) -> [UInt8] {
        GMimeLibrary.ensureInitialized()
        guard let reference = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_message_new(1))) else { return [] }
        let gmimeMessage = reference.typed(as: GMimeMessage.self)
        let object = CGMime_object(gmimeMessage)

        add(message.from, to: gmimeMessage, as: GMIME_ADDRESS_TYPE_FROM)
        for address in message.to {
            add(Mailbox(address: address), to: gmimeMessage, as: GMIME_ADDRESS_TYPE_TO)
        }
        add(message.replyTo, to: gmimeMessage, as: GMIME_ADDRESS_TYPE_REPLY_TO)
        g_mime_message_set_subject(gmimeMessage, HeaderLineLimit.breakingLongWords(Self.cleanText(message.subject)), "utf-8")
        setDate(message.date, on: gmimeMessage)
        g_mime_message_set_message_id(gmimeMessage, Self.clean(message.messageID))
        // An ID that cannot be written as a msg-id on one line is never written (the composer drops them already).
        let writable = message.references.filter(ReferenceList.isWritable)
        if let last = writable.last {
            g_mime_object_set_header(object, "In-Reply-To", "<\(last)>", "utf-8")
            let references = writable.map { "<\($0)>" }.joined(separator: " ")
            g_mime_object_set_header(object, "References", references, "utf-8")
        }
        for (name, value) in message.extraHeaders {
            g_mime_object_append_header(object, Self.headerName(name), HeaderLineLimit.breakingLongWords(Self.cleanText(value)), "utf-8")
        }
        guard let text = textPart(message.body) else { return [] }
        if message.attachments.isEmpty {
            g_mime_message_set_mime_part(gmimeMessage, CGMime_object(text.pointer))
        } else {
            guard let mixed = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_multipart_new_with_subtype("mixed")))
            else { return [] }
            let multipart = CGMime_multipart(mixed.pointer)
            g_mime_multipart_add(multipart, CGMime_object(text.pointer))
            for attachment in message.attachments {
                guard let part = filePart(attachment) else { return [] }
                g_mime_multipart_add(multipart, CGMime_object(part.pointer))
            }
            g_mime_message_set_mime_part(gmimeMessage, CGMime_object(mixed.pointer))
        }
        return HeaderLineLimit.enforce(serialize(object))
    }

    // MARK: Building

    /// One mailbox into From, To or Reply-To; a display name is encoded by GMime (UTF-8 encoded words).
    private func add(_ mailbox: Mailbox, to message: UnsafeMutablePointer<GMimeMessage>, as type: GMimeAddressType) {
        // An address longer than SMTP carries (RFC 5321 §4.5.3.1.3) cannot be written on a header line either.
        guard mailbox.address.value.utf8.count <= 254 else { return }
        let name = Self.displayName(mailbox)
        guard let list = g_mime_message_get_addresses(message, type),
            let address = internet_address_mailbox_new(name.isEmpty ? nil : name, Self.clean(mailbox.address.value))
        else { return }
        defer { g_object_unref(address) }  // the list holds its own reference
        internet_address_set_charset(address, "utf-8")
        CGMime_mailbox_preset_ascii_idn_addr(CGMime_internet_address_mailbox(address))
        internet_address_list_add(list, address)
    }

    /// A mailbox's display name as it is written: cleaned, long words broken, trimmed.
    static func displayName(_ mailbox: Mailbox) -> String {
        var name = HeaderLineLimit.breakingLongWords(Self.cleanText(mailbox.name ?? ""))
        // Trimmed by Foundation only when it may have something to do: it ends on a space or a non-ASCII character.
        if let first = name.utf8.first, let last = name.utf8.last, [first, last].contains(where: { $0 == 0x20 || $0 >= 0x80 }) {
            name = name.trimmingCharacters(in: .whitespaces)
        }
        return name
    }

    /// `Date`, in UTC, whole seconds.
    private func setDate(_ date: Date, on message: UnsafeMutablePointer<GMimeMessage>) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // GDateTime covers years 1…9999; anything else is not a date this gateway writes.
        guard seconds.isFinite, abs(seconds) < 250_000_000_000,
            let dateTime = g_date_time_new_from_unix_utc(gint64(seconds))
        else { return }
        defer { g_date_time_unref(dateTime) }
        g_mime_message_set_date(message, dateTime)
    }

    /// A text/plain UTF-8 part, quoted-printable (see the type's notes about leading dots).
    private func textPart(_ body: String) -> GObjectReference? {
        var text = Array(body.utf8)
        if text.last != 0x0A { text.append(0x0A) }  // the last line ends like the others
        let encoded = Self.escapingLeadingDots(Self.quotedPrintable(text))
        guard
            let part = GObjectReference(
                adopting: UnsafeMutableRawPointer(g_mime_text_part_new_with_subtype("plain"))),
            let content = Self.content(encoded, encoding: GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
        else { return nil }
        let textPart = part.typed(as: GMimeTextPart.self)
        g_mime_text_part_set_charset(textPart, "utf-8")
        g_mime_part_set_content(CGMime_part(textPart), content.typed(as: GMimeDataWrapper.self))
        g_mime_part_set_content_encoding(CGMime_part(textPart), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
        return part
    }

    /// A file as an attachment: its type, base64, `Content-Disposition: attachment` with its name (cleaned like a
    /// header value; RFC 2231-encoded by ``serialize(_:)`` when it is not ASCII).
    private func filePart(_ attachment: MailAttachment) -> GObjectReference? {
        let type = attachment.contentType.split(separator: "/", maxSplits: 1).map { Self.headerName(String($0)) }
        guard
            let part = GObjectReference(
                adopting: UnsafeMutableRawPointer(
                    g_mime_part_new_with_type(type.first ?? "application", type.count == 2 ? type[1] : "octet-stream"))),
            let content = Self.content(attachment.bytes, encoding: GMIME_CONTENT_ENCODING_DEFAULT)
        else { return nil }
        let mimePart = CGMime_part(part.pointer)
        g_mime_part_set_content(mimePart, content.typed(as: GMimeDataWrapper.self))
        g_mime_part_set_content_encoding(mimePart, GMIME_CONTENT_ENCODING_BASE64)
        g_mime_object_set_disposition(CGMime_object(part.pointer), "attachment")
        g_mime_part_set_filename(mimePart, HeaderLineLimit.breakingLongWords(Self.cleanText(attachment.fileName)))
        return part
    }

    /// A data wrapper over a copy of `bytes`, which are in `encoding` already.
    private static func content(_ bytes: [UInt8], encoding: GMimeContentEncoding) -> GObjectReference? {
        guard
            let stream = bytes.withUnsafeBufferPointer({ buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count)))
                }
            })
        else { return nil }
        return GObjectReference(
            adopting: UnsafeMutableRawPointer(g_mime_data_wrapper_new_with_stream(stream.typed(as: GMimeStream.self), encoding)))
    }

    /// The message's bytes with CRLF line ends.
    private func serialize(_ object: UnsafeMutablePointer<GMimeObject>) -> [UInt8] {
        guard let options = g_mime_format_options_new() else { return [] }
        defer { g_mime_format_options_free(options) }
        g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS)
        g_mime_format_options_set_param_encoding_method(options, GMIME_PARAM_ENCODING_METHOD_RFC2231)
        guard let stream = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new())) else { return [] }
        let gmimeStream = stream.typed(as: GMimeStream.self)
        guard g_mime_object_write_to_stream(object, options, gmimeStream) >= 0 else { return [] }
        var length = 0
        guard let data = CGMime_stream_mem_data(gmimeStream, &length), length > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    // MARK: Text

    /// Replaces CR, LF and other control characters (C0, DEL, C1, U+2028, U+2029) with spaces: for every value, an
    /// address or a Message-ID as for text.
    static func clean(_ value: String) -> String {
        // Most values are printable ASCII, which needs nothing replaced.
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return value }
        return String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { scalar in
                    (scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                        || scalar == "\u{2028}" || scalar == "\u{2029}") ? " " : scalar
                }))
    }

    /// ``clean(_:)``, and a literal `=?` written `= ?`, for text (a subject, a display name, a header's text, a file
    /// name; never an address or a Message-ID, where `=` and `?` may stand and encoded words may not): GMime keeps text
    /// that looks like an encoded word as it is, so `=?utf-8?b?DQpCY2M6…?=` in a subject (a sender's, quoted in an
    /// error reply) would decode to a line break and a field at its reader's.
    static func cleanText(_ value: String) -> String {
        let cleaned = clean(value)
        return cleaned.utf8.contains(UInt8(ascii: "?")) && cleaned.contains("=?") ? cleaned.replacingOccurrences(of: "=?", with: "= ?") : cleaned
    }

    /// A header field name as RFC 5322 allows it (printable ASCII but `:`); anything else becomes `-`.
    static func headerName(_ name: String) -> String {
        if !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) { return name }
        let cleaned = String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { scalar in
                    (scalar.value > 0x20 && scalar.value < 0x7F && scalar != ":") ? scalar : "-"
                }))
        return cleaned.isEmpty ? "X-" : cleaned
    }

    /// GMime's quoted-printable encoder over the whole text: LF line ends, lines of at most 76 characters.
    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var state = GMimeEncoding()
        g_mime_encoding_init_encode(&state, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
        let capacity = g_mime_encoding_outlen(&state, bytes.count) + 4
        return [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            count = bytes.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: CChar.self) { input in
                    output.withMemoryRebound(to: CChar.self) { output in
                        g_mime_encoding_flush(&state, input.baseAddress, input.count, output.baseAddress)
                    }
                }
            }
        }
    }

    /// Encoded quoted-printable lines (LF) with a leading `.` written `=2E`. A line that would then pass 76
    /// characters is broken with a soft line break after the longest head that fits, never inside `=XX`.
    static func escapingLeadingDots(_ encoded: [UInt8]) -> [UInt8] {
        let dot = UInt8(ascii: "."), equals = UInt8(ascii: "=")
        // Most texts have no line that starts with a dot: nothing to change.
        guard encoded.first == dot || zip(encoded, encoded.dropFirst()).contains(where: { $0 == 0x0A && $1 == dot }) else {
            return encoded.last == 0x0A ? encoded : encoded + [0x0A]
        }
        let escapedDot = Array("=2E".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + 16)
        var lines = encoded.split(separator: 0x0A, omittingEmptySubsequences: false)
        if encoded.last == 0x0A { lines.removeLast() }
        for line in lines {
            var rest = ArraySlice(line)
            while rest.first == dot {
                var head = escapedDot
                rest = rest.dropFirst()
                // Move tokens (a character or an `=XX` triplet) into the head while the line is too long.
                while head.count + rest.count > 76 {
                    let width = rest.first == equals && rest.count >= 3 ? 3 : 1
                    guard head.count + width <= 75 else { break }
                    head += rest.prefix(width)
                    rest = rest.dropFirst(width)
                }
                if head.count + rest.count <= 76 {
                    rest = ArraySlice(head + rest)
                    break
                }
                output += head + [equals, 0x0A]  // soft line break; the rest is a line of its own
            }
            output += rest
            output.append(0x0A)
        }
        return output
    }
}
