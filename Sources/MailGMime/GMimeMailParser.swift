internal import CGMime
import RolloutCore
import RolloutGateway

/// The ``MailParser`` over GMime 3: MIME structure, RFC 2047/2231 decoding and charsets by GMime, HTML-only
/// bodies through libxml2, `format=flowed` through ``FlowedText``.
///
/// Never fails and never traps: what could be read is returned, what was wrong is listed in
/// ``InboundMessage/defects``. Each call frees every C object it made. Safe to use from several threads.
public struct GMimeMailParser: MailParser {
    /// How many `message/rfc822` levels are read inside one another (a bounce of a bounce of …).
    public var maximumDepth: Int

    /// Creates a parser.
    /// - Parameter maximumDepth: embedded messages deeper than this are skipped and noted as a defect.
    public init(maximumDepth: Int = 5) {
        self.maximumDepth = maximumDepth
    }

    /// Parses one raw message (RFC 5322 with MIME), with CRLF or LF line ends.
    public func parse(_ raw: [UInt8]) -> InboundMessage {
        GMimeLibrary.ensureInitialized()
        let session = ParseSession(maximumDepth: maximumDepth)
        var message = withExtendedLifetime(session) {
            MessageReader(session: session).read(raw: raw, depth: 0, headersOnly: false)
        }
        var defects: [String] = []
        if raw.contains(0) { defects.append("NUL bytes in message") }
        var listed = Set(defects)
        for defect in session.warnings + message.defects where listed.insert(defect).inserted {
            defects.append(defect)
        }
        message.defects = defects
        message.size = raw.count
        message.digest = SHA256Hex.of(raw)
        message.contentDigest = SHA256Hex.of(TraceFields.removed(from: raw))
        if let id = message.headers.messageID, id.utf8.count > InboundMessage.longestMessageIDKept {
            message.messageIDDigest = SHA256Hex.of(Array(id.utf8))
        }
        return message
    }
}
