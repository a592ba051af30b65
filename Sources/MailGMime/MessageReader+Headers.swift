internal import CGMime
import Foundation
import RolloutCore

extension MessageReader {
    /// The header fields the gateway reads, in one pass over the message's header list.
    func readHeaders(of message: UnsafeMutablePointer<GMimeMessage>) -> InboundHeaders {
        var headers = InboundHeaders()
        let object = CGMime_object(message)
        guard let list = g_mime_object_get_header_list(object) else { return headers }
        let count = g_mime_header_list_get_count(list)
        guard count > 0 else { return headers }
        var occurrences: [String: Int] = [:]
        for index in 0..<count {
            guard let header = g_mime_header_list_get_header_at(list, index),
                let cName = g_mime_header_get_name(header)
            else { continue }
            let name = String(cString: cName).lowercased()
            let raw = g_mime_header_get_raw_value(header)
            func value() -> String {
                guard let cValue = g_mime_header_get_value(header) else { return "" }
                return String(cString: cValue).mimeTrimmed()
            }
            /// The value as written, unfolded and never decoded: RFC 2047 words in a trace field are the sender's
            /// text (a HELO name, an envelope address), and decoding them would let it write into our own hops.
            func traceValue() -> String {
                guard let raw else { return "" }
                return Self.unfolded(String(cString: raw))
            }
            if Self.singletonFields.contains(name) {
                occurrences[name, default: 0] += 1
                if occurrences[name] == 2 { headers.repeatedFields.append(name) }
            }
            switch name {
            case "from": headers.from += mailboxes(raw)
            case "reply-to": headers.replyTo += mailboxes(raw)
            case "to": headers.to += mailboxes(raw)
            case "cc": headers.cc += mailboxes(raw)
            case "delivered-to", "x-original-to": headers.envelopeRecipients += mailboxes(raw)
            case "x-original-from": headers.originalFrom += mailboxes(raw)
            case "list-id": if headers.listID == nil { headers.listID = value() }
            case "message-id": if headers.messageID == nil { headers.messageID = messageID(raw) }
            case "in-reply-to": headers.inReplyTo += messageIDs(raw)
            case "references": headers.references += messageIDs(raw)
            case "auto-submitted": if headers.autoSubmitted == nil { headers.autoSubmitted = value() }
            case "precedence": if headers.precedence == nil { headers.precedence = value() }
            case "x-loop": headers.loops.append(value())
            case "return-path": if headers.returnPath == nil { headers.returnPath = Self.unbracketed(value()) }
            case "authentication-results":
                let field = traceValue()
                headers.authenticationResults.append(field)
                headers.traceFields.append(TraceField(.authenticationResults, field))
            case "received":
                let field = traceValue()
                headers.traceFields.append(TraceField(.received, field, date: Self.receivedDate(field)))
            case "date":
                if headers.date == nil {
                    headers.date = value()
                    headers.writtenAt = raw.flatMap { Self.date(String(cString: $0)) }
                }
            case "dkim-signature": headers.dkimSignatures.append(traceValue())
            case "x-mailfrom":
                let address = Self.unbracketed(value())
                if !address.isEmpty { headers.listEnvelopeSenders.append(EmailAddress(address)) }
            default:
                if Self.isAutoReplyMarker(name), headers.autoReplyMarkers[name] == nil {
                    headers.autoReplyMarkers[name] = value()
                }
            }
        }
        if let subject = g_mime_message_get_subject(message) {
            headers.subject = String(cString: subject).mimeTrimmed()
        }
        return headers
    }

    /// Fields a message has at most once (RFC 5322 §3.6).
    static let singletonFields: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc", "message-id", "in-reply-to", "references", "subject", "date",
    ]

    /// An RFC 5322 date, read by GMime (obsolete forms and zone names included); nil when it cannot be read.
    static func date(_ text: String) -> Date? {
        guard let parsed = g_mime_utils_header_decode_date(text) else { return nil }
        defer { g_date_time_unref(parsed) }
        return Date(timeIntervalSince1970: TimeInterval(g_date_time_to_unix(parsed)))
    }

    /// The date of a `Received` field: what follows its last `;` (RFC 5322 §3.6.7).
    static func receivedDate(_ value: String) -> Date? {
        guard let semicolon = value.lastIndex(of: ";") else { return nil }
        let text = value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : date(text)
    }

    /// A raw header value with its folding undone and surrounding white space trimmed.
    static func unfolded(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        var pendingSpace = false
        for character in raw {
            if character == "\r\n" || character == "\n" || character == "\r" || character == "\t" || character == " " {
                pendingSpace = true
                continue
            }
            if pendingSpace, !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(character)
        }
        return out
    }

    static func isAutoReplyMarker(_ name: String) -> Bool {
        name.hasPrefix("x-autorepl") || name.hasPrefix("x-autorespon") || name == "x-auto-response-suppress"
            || name.hasPrefix("x-vacation") || name == "x-autogenerated" || name == "x-mail-autoreply"
            || name == "x-ms-exchange-generated-message-source" || name == "x-ms-exchange-inbox-rules-loop"
    }

    /// `<a@b>` → `a@b`; `<>` → the empty string.
    static func unbracketed(_ value: String) -> String {
        var text = value
        if let open = text.firstIndex(of: "<") {
            text = String(text[text.index(after: open)...])
            if let close = text.firstIndex(of: ">") { text = String(text[..<close]) }
        }
        return text.mimeTrimmed()
    }

    /// An address list header; groups are flattened into their members.
    func mailboxes(_ raw: UnsafePointer<CChar>?) -> [Mailbox] {
        guard let raw, let list = internet_address_list_parse(session.options, raw) else { return [] }
        defer { g_object_unref(list) }
        var result: [Mailbox] = []
        collect(list, into: &result, depth: 0)
        return result
    }

    private func collect(_ list: UnsafeMutablePointer<InternetAddressList>, into result: inout [Mailbox], depth: Int) {
        let length = internet_address_list_length(list)
        guard length > 0, depth < 4 else { return }
        for index in 0..<length {
            guard let address = internet_address_list_get_address(list, index) else { continue }
            if CGMime_is_internet_address_mailbox(address) != 0 {
                guard let cAddress = internet_address_mailbox_get_addr(CGMime_internet_address_mailbox(address))
                else { continue }
                let addr = String(cString: cAddress).mimeTrimmed()
                guard !addr.isEmpty else { continue }
                let name = internet_address_get_name(address).map { String(cString: $0).mimeTrimmed() }
                result.append(Mailbox(name: name?.isEmpty == false ? name : nil, address: EmailAddress(addr)))
            } else if CGMime_is_internet_address_group(address) != 0,
                let members = internet_address_group_get_members(CGMime_internet_address_group(address))
            {
                collect(members, into: &result, depth: depth + 1)
            }
        }
    }

    private func messageID(_ raw: UnsafePointer<CChar>?) -> String? {
        guard let raw else { return nil }
        if let decoded = g_mime_utils_decode_message_id(raw) {
            defer { g_free(decoded) }
            let id = String(cString: decoded).mimeTrimmed()
            if !id.isEmpty { return Self.isPlainMessageID(id) ? id : nil }
        }
        let fallback = Self.unbracketed(String(cString: raw))
        return Self.isPlainMessageID(fallback) ? fallback : nil
    }

    /// Whether `id` can stand as a Message-ID in what the gateway writes (a transcript's "Processing your message
    /// <id>", an error reply, a notice sent in the person's name, signed): printable ASCII without blanks, `<` or `>`
    /// (a long one is named by its digest where it is stored: ``InboundMessage/seenKey``). Anything else — GMime hands
    /// back a folded header's whole text, line breaks included — is a sender's prose, not an identifier: the message
    /// is taken as having none (its digest names it).
    static func isPlainMessageID(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    private func messageIDs(_ raw: UnsafePointer<CChar>?) -> [String] {
        guard let raw, let references = g_mime_references_parse(session.options, raw) else { return [] }
        defer { g_mime_references_free(references) }
        let count = g_mime_references_length(references)
        guard count > 0 else { return [] }
        return (0..<count).compactMap { index in
            g_mime_references_get_message_id(references, index).map { String(cString: $0) }
        }
    }
}
