internal import CGMime
import RolloutCore
import RolloutGateway

/// Reads GMime's tree of one message into an ``InboundMessage``; recursion into embedded messages is bounded.
struct MessageReader {
    let session: ParseSession

    /// Parses `raw` and reads it; whatever GMime cannot build is read as plain text and noted.
    func read(raw: [UInt8], depth: Int, headersOnly: Bool) -> InboundMessage {
        guard !raw.isEmpty else {
            return InboundMessage(defects: ["empty message"])
        }
        guard let message = Self.constructMessage(raw, options: session.options) else {
            let decoded = TextDecoding.decode(raw, charset: nil)
            return InboundMessage(text: decoded.text, defects: ["not a MIME message"] + decoded.defects)
        }
        return read(message: message.typed(as: GMimeMessage.self), depth: depth, headersOnly: headersOnly)
    }

    static func constructMessage(_ raw: [UInt8], options: OpaquePointer) -> GObjectReference? {
        let stream = raw.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new_with_buffer($0, buffer.count)))
            }
        }
        guard let stream,
            let parser = GObjectReference(
                adopting: UnsafeMutableRawPointer(g_mime_parser_new_with_stream(stream.typed(as: GMimeStream.self))))
        else { return nil }
        let gmimeParser = parser.typed(as: GMimeParser.self)
        g_mime_parser_set_format(gmimeParser, GMIME_FORMAT_MESSAGE)
        return GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_parser_construct_message(gmimeParser, options)))
    }

    /// Reads headers and (unless `headersOnly`) the body of a message GMime has built.
    func read(message: UnsafeMutablePointer<GMimeMessage>, depth: Int, headersOnly: Bool) -> InboundMessage {
        var result = InboundMessage()
        result.headers = readHeaders(of: message)
        let headerCount = g_mime_object_get_header_list(CGMime_object(message)).map(g_mime_header_list_get_count) ?? 0
        if headerCount <= 0 { result.defects.append("no header fields") }
        if headersOnly { return result }
        if headerCount > 0 {
            if result.headers.messageID == nil { result.defects.append("missing Message-ID") }
            if result.headers.from.isEmpty { result.defects.append("missing From") }
        }

        guard let body = g_mime_message_get_mime_part(message) else {
            result.defects.append("message without body")
            return result
        }
        result.headers.contentType = Self.mimeType(of: body)

        var walk = BodyWalk(root: body)
        visit(body, messageDepth: depth, walk: &walk, into: &result)
        readText(of: walk, into: &result)
        result.signedParts = walk.signedParts
        if result.failedRecipients.isEmpty, !result.textFromHTML {
            readQmailBounce(into: &result, depth: depth)
        }
        return result
    }

    /// One leaf part seen on the walk, in document order.
    struct Leaf {
        var part: UnsafeMutablePointer<GMimePart>
        var mimeType: String
        var fileName: String
        var isAttachment: Bool
        var isInline: Bool
    }

    struct BodyWalk {
        /// The message's body: a signed part that is it covers the whole message.
        var root: UnsafeMutablePointer<GMimeObject>?
        var leaves: [Leaf] = []
        var signedParts: [SignedPart] = []
        /// The schemes of which one signed part is held with its bytes; later ones are only counted (``SignedPart/Form/notKept``).
        private(set) var schemesKept: Set<SignedPart.Scheme> = []

        mutating func add(_ signed: SignedPart) {
            signedParts.append(signed)
            schemesKept.insert(signed.scheme)
        }
        /// GMime trees built while recovering broken multiparts; the leaves point into them.
        var recovered: [GObjectReference] = []
    }

    /// The deepest multipart read within one message: real mail nests a few levels; GMime's parser stops at 1,024,
    /// and each boundary recovery starts a parse anew, so without a bound of ours the walk could go thousands deep.
    static let maximumNesting = 100

    private func visit(
        _ object: UnsafeMutablePointer<GMimeObject>, messageDepth: Int, nesting: Int = 0, walk: inout BodyWalk,
        into result: inout InboundMessage
    ) {
        if CGMime_is_multipart(object) != 0 {
            guard nesting < Self.maximumNesting else {
                result.defects.append("multiparts nested deeper than \(Self.maximumNesting), inner parts skipped")
                return
            }
            let multipart = CGMime_multipart(object)
            if g_mime_multipart_get_boundary(multipart) == nil { result.defects.append("missing MIME boundary") }
            let count = g_mime_multipart_get_count(multipart)
            if let signed = Self.signedPart(multipart, wholeBody: object == walk.root, kept: walk.schemesKept) {
                // Only the signed content is read on: the signature is no attachment.
                walk.add(signed)
                if let content = g_mime_multipart_get_part(multipart, 0) {
                    visit(content, messageDepth: messageDepth, nesting: nesting + 1, walk: &walk, into: &result)
                }
                return
            }
            if count <= 0 {
                result.defects.append("multipart without parts")
                recoverParts(of: multipart, messageDepth: messageDepth, nesting: nesting + 1, walk: &walk, into: &result)
                return
            }
            for index in 0..<count {
                if let child = g_mime_multipart_get_part(multipart, index) {
                    visit(child, messageDepth: messageDepth, nesting: nesting + 1, walk: &walk, into: &result)
                }
            }
        } else if CGMime_is_message_part(object) != 0 {
            readEmbeddedMessage(CGMime_message_part(object), depth: messageDepth + 1, into: &result)
        } else if CGMime_is_part(object) != 0 {
            let part = CGMime_part(object)
            let mimeType = Self.mimeType(of: object)
            switch mimeType {
            case "message/delivery-status", "message/global-delivery-status":
                let text = TextDecoding.decode(Self.contentBytes(of: part), charset: Self.charset(of: object)).text
                result.failedRecipients += DeliveryStatusReport.failedRecipients(in: text)
                return
            case "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
                readEmbeddedHeaders(Self.contentBytes(of: part), depth: messageDepth + 1, into: &result)
                return
            default:
                break
            }
            if let signed = Self.opaqueSignedPart(part, mimeType: mimeType, wholeBody: object == walk.root, kept: walk.schemesKept) {
                walk.add(signed)
                return
            }
            let disposition = g_mime_object_get_disposition(object).map { String(cString: $0).lowercased() }
            let fileName = Self.fileName(of: part, options: session.options)
            walk.leaves.append(
                Leaf(
                    part: part, mimeType: mimeType, fileName: fileName,
                    isAttachment: disposition == "attachment" || !fileName.isEmpty,
                    isInline: disposition != "attachment"))
        }
    }

    /// A multipart whose boundary is missing or never appears leaves its whole body in the prologue. Read it
    /// again with the first `--delimiter` line as boundary, or else as plain text, so the words are not lost.
    private func recoverParts(
        of multipart: UnsafeMutablePointer<GMimeMultipart>, messageDepth: Int, nesting: Int, walk: inout BodyWalk,
        into result: inout InboundMessage
    ) {
        guard walk.recovered.count < 4, let cPrologue = g_mime_multipart_get_prologue(multipart) else { return }
        let prologue = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cPrologue).assumingMemoryBound(to: UInt8.self), count: strlen(cPrologue)))
        guard prologue.contains(where: { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 }) else { return }
        var header = "Content-Type: text/plain\n\n"
        for line in prologue.split(separator: 0x0A) where line.count > 2 && line.starts(with: [0x2D, 0x2D]) {
            var boundary = String(decoding: line.dropFirst(2), as: UTF8.self).mimeTrimmed()
            if boundary.hasSuffix("--") { boundary.removeLast(2) }
            if !boundary.isEmpty, !boundary.contains("\"") {
                header = "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\n\n"
            }
            break
        }
        guard let rebuilt = Self.constructMessage(Array(header.utf8) + prologue, options: session.options),
            let body = g_mime_message_get_mime_part(rebuilt.typed(as: GMimeMessage.self))
        else { return }
        walk.recovered.append(rebuilt)
        result.defects.append("parts recovered without the declared boundary")
        visit(body, messageDepth: messageDepth, nesting: nesting, walk: &walk, into: &result)
    }

    private func readEmbeddedMessage(
        _ messagePart: UnsafeMutablePointer<GMimeMessagePart>, depth: Int, into result: inout InboundMessage
    ) {
        guard depth <= session.maximumDepth else {
            result.defects.append("embedded messages nested deeper than \(session.maximumDepth)")
            return
        }
        guard let inner = g_mime_message_part_get_message(messagePart) else {
            result.defects.append("empty message/rfc822 part")
            return
        }
        var embedded = read(message: inner, depth: depth, headersOnly: false)
        let bytes = Self.serialized(CGMime_object(inner))
        embedded.size = bytes.count
        embedded.digest = SHA256Hex.of(bytes)
        result.embeddedMessages.append(embedded)
    }

    private func readEmbeddedHeaders(_ bytes: [UInt8], depth: Int, into result: inout InboundMessage) {
        guard depth <= session.maximumDepth else {
            result.defects.append("embedded messages nested deeper than \(session.maximumDepth)")
            return
        }
        // A header block ends with an empty line; add one so the parser sees the block as complete.
        var block = bytes
        block += [0x0A, 0x0A]
        var embedded = read(raw: block, depth: depth, headersOnly: true)
        embedded.size = bytes.count
        embedded.digest = SHA256Hex.of(bytes)
        result.embeddedMessages.append(embedded)
    }

    /// Chooses the body text (the first text/plain that is no attachment, else the first such text/html) and
    /// lists every other named or attached leaf as an attachment.
    private func readText(of walk: BodyWalk, into result: inout InboundMessage) {
        let body =
            walk.leaves.firstIndex { $0.mimeType == "text/plain" && !$0.isAttachment }
            ?? walk.leaves.firstIndex { $0.mimeType == "text/html" && !$0.isAttachment }
            ?? walk.leaves.firstIndex { $0.mimeType == "text/plain" && $0.isInline }
        if let body {
            let leaf = walk.leaves[body]
            let object = CGMime_object(leaf.part)
            let decoded = TextDecoding.decode(Self.contentBytes(of: leaf.part), charset: Self.charset(of: object))
            result.defects += decoded.defects
            if leaf.mimeType == "text/html" {
                if let html = HTMLText.text(fromHTML: decoded.text) {
                    result.text = html.text
                    if html.nestingTruncated { result.defects.append("HTML nested too deep, inner text skipped") }
                } else {
                    result.defects.append("unreadable HTML")
                }
                result.textFromHTML = true
            } else if Self.parameter("format", of: object)?.lowercased() == "flowed" {
                let delSp = Self.parameter("delsp", of: object)?.lowercased() == "yes"
                result.text = FlowedText.unwrap(decoded.text, delSp: delSp)
            } else {
                result.text = decoded.text
            }
        }
        for (index, leaf) in walk.leaves.enumerated() where leaf.isAttachment && index != body {
            result.attachments.append(
                InboundAttachment(
                    fileName: leaf.fileName, contentType: leaf.mimeType, bytes: Self.contentBytes(of: leaf.part)))
        }
    }

    /// A qmail-style bounce carries its recipients and the returned message in plain text.
    private func readQmailBounce(into result: inout InboundMessage, depth: Int) {
        guard result.text.containsBytes("\n--- "), let bounce = QmailBounce(text: result.text) else { return }
        result.failedRecipients = bounce.failedRecipients
        guard depth + 1 <= session.maximumDepth else { return }
        let copy = Array(bounce.returnedMessage.utf8)
        guard !copy.isEmpty else { return }
        var embedded = read(raw: copy, depth: depth + 1, headersOnly: bounce.headersOnly)
        embedded.size = copy.count
        embedded.digest = SHA256Hex.of(copy)
        result.embeddedMessages.append(embedded)
    }

    // MARK: - Part helpers

    static func mimeType(of object: UnsafeMutablePointer<GMimeObject>) -> String {
        guard let contentType = g_mime_object_get_content_type(object),
            let cType = g_mime_content_type_get_mime_type(contentType)
        else { return "application/octet-stream" }
        defer { g_free(cType) }
        return String(cString: cType).lowercased()
    }

    static func parameter(_ name: String, of object: UnsafeMutablePointer<GMimeObject>) -> String? {
        g_mime_object_get_content_type_parameter(object, name).map { String(cString: $0).mimeTrimmed() }
    }

    static func charset(of object: UnsafeMutablePointer<GMimeObject>) -> String? {
        parameter("charset", of: object)
    }

    /// The decoded file name: RFC 2231 by GMime, and encoded words that some mailers put in quoted names.
    static func fileName(of part: UnsafeMutablePointer<GMimePart>, options: OpaquePointer) -> String {
        guard let cName = g_mime_part_get_filename(part) else { return "" }
        var name = String(cString: cName)
        if name.containsBytes("=?"), let decoded = g_mime_utils_header_decode_text(options, cName) {
            name = String(cString: decoded)
            g_free(decoded)
        }
        return visible(name.mimeTrimmed()).prefix(utf8Bytes: fileNameLimit)
    }

    /// `name` with each control and format character (a right-to-left override that shows `…exe.odt` for a
    /// `…odt.exe`, a zero-width space, a line break) made `_`: a file's name is shown on the ticket's page, in its
    /// history and in notices as the sender wrote it, and must read as what it is.
    static func visible(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: \.breaksOrHidesText) else { return name }
        return String(String.UnicodeScalarView(name.unicodeScalars.map { $0.breaksOrHidesText ? "_" : $0 }))
    }

    /// The most bytes (UTF-8) of an attachment's file name that are kept (a file system's NAME_MAX); the rest is cut
    /// on a scalar boundary, however many combining marks one character holds.
    static let fileNameLimit = 255

    /// The part's content with its transfer encoding (base64, quoted-printable, uuencode) undone.
    static func contentBytes(of part: UnsafeMutablePointer<GMimePart>) -> [UInt8] {
        guard let wrapper = g_mime_part_get_content(part),
            let sink = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new()))
        else { return [] }
        _ = g_mime_data_wrapper_write_to_stream(wrapper, sink.typed(as: GMimeStream.self))
        return StreamBytes.contents(of: sink)
    }

    /// A message written back out, for the size and digest of an embedded message.
    static func serialized(_ object: UnsafeMutablePointer<GMimeObject>) -> [UInt8] {
        guard let sink = GObjectReference(adopting: UnsafeMutableRawPointer(g_mime_stream_mem_new())) else { return [] }
        _ = g_mime_object_write_to_stream(object, nil, sink.typed(as: GMimeStream.self))
        return StreamBytes.contents(of: sink)
    }
}
