import Foundation

/// The body text of a message the gateway wrote itself (a text/plain part, quoted-printable, base64 or 7/8-bit, UTF-8:
/// what the ``MessageWriter`` port promises — alone, or first in a `multipart/mixed` before the attachments, and with
/// `outbox.smime` signed, the first part of a `multipart/signed`), read back from its bytes for ``OwnTextFingerprint``.
///
/// Not a MIME parser: it reads only the gateway's own output, so that the store can fingerprint an outbox message from
/// the bytes it keeps (also those written after the commit, and the rows stored before fingerprints existed).
public enum SentMessageText {
    /// The decoded body of a message in RFC 5322 form.
    public static func text(of message: [UInt8]) -> String {
        var entity = message
        var (headers, bodyStart) = headerBlock(of: entity)
        // The text is the first part of a signed message, and of a message with attachments: at most those two levels,
        // as the writers nest them (signed, then mixed).
        for _ in 0..<2 {
            guard let part = firstPart(headers: headers, body: entity[bodyStart...]) else { break }
            entity = Array(part)
            (headers, bodyStart) = headerBlock(of: entity)
        }
        return decodedText(headers: headers, body: entity[bodyStart...])
    }

    /// A text body decoded as its header block's `Content-Transfer-Encoding` says.
    static func decodedText(headers: String, body: ArraySlice<UInt8>) -> String {
        let encoding = header("content-transfer-encoding", in: headers)?.lowercased() ?? "7bit"
        switch encoding {
        case "quoted-printable": return String(decoding: decodeQuotedPrintable(body), as: UTF8.self)
        case "base64":
            let text = String(decoding: body.filter { $0 > 0x20 }, as: UTF8.self)
            return Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) } ?? ""
        default: return String(decoding: body, as: UTF8.self)
        }
    }

    /// The gateway's own words in a message it wrote: its text without the lines it echoes with `>` (a transcript echoes
    /// the sender's command lines so; a person's words are never ours).
    public static func ownText(of message: [UInt8]) -> String {
        ownText(ofBody: text(of: message))
    }

    /// The gateway's own words in the text it wrote as a message's body (before MIME writing, which changes only line
    /// ends and transfer encoding: the words are those ``ownText(of:)`` reads back from the written bytes).
    public static func ownText(ofBody text: String) -> String {
        text.physicalLines.filter { !ReplyText.isQuoted($0) }.joined(separator: "\n")
    }

    /// The first part of a `multipart/signed` body (RFC 1847 §2.1: the signed entity) or of a `multipart/mixed` one (the
    /// text before the attachments), header block and body, between the first two delimiter lines of the `boundary`.
    /// Nil when the entity is neither or has no such part.
    static func firstPart(headers: String, body: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let type = header("content-type", in: headers),
            type.lowercased().hasPrefix("multipart/signed") || type.lowercased().hasPrefix("multipart/mixed"),
            let boundary = boundary(of: type),
            let open = body.firstRange(of: Array("--\(boundary)".utf8)),
            let lineEnd = body[open.upperBound...].firstIndex(of: 0x0A)
        else { return nil }
        let part = body[(lineEnd + 1)...]
        guard let close = part.firstRange(of: Array("\n--\(boundary)".utf8)) else { return nil }
        // The line break before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        let end = close.lowerBound > part.startIndex && part[close.lowerBound - 1] == 0x0D ? close.lowerBound - 1 : close.lowerBound
        return part[..<end]
    }

    /// The `boundary` parameter of a Content-Type value, quoted or not.
    static func boundary(of contentType: String) -> String? {
        guard let name = contentType.range(of: "boundary=", options: .caseInsensitive) else { return nil }
        let rest = contentType[name.upperBound...]
        if rest.first == "\"" {
            let value = rest.dropFirst().prefix { $0 != "\"" }
            return value.isEmpty ? nil : String(value)
        }
        let value = rest.prefix { $0 != ";" && !$0.isWhitespace }
        return value.isEmpty ? nil : String(value)
    }

    /// The unfolded header block and where the body starts.
    static func headerBlock(of message: [UInt8]) -> (String, Int) {
        var index = 0
        while index < message.count {
            if message[index] == 0x0A {
                var next = index + 1
                if next < message.count, message[next] == 0x0D { next += 1 }
                if next < message.count, message[next] == 0x0A {
                    return (String(decoding: message[..<index], as: UTF8.self), next + 1)
                }
                if next >= message.count { break }
            }
            index += 1
        }
        return (String(decoding: message, as: UTF8.self), message.count)
    }

    /// A header's value (the first one), unfolded and trimmed.
    static func header(_ name: String, in block: String) -> String? {
        var current: String?
        for line in block.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            if line.first == " " || line.first == "\t" {
                if current != nil { current! += " " + line.trimmingWhitespace() }
                continue
            }
            if current != nil { return current?.trimmingWhitespace() }
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].trimmingWhitespace().lowercased() == name {
                current = String(line[line.index(after: colon)...]).trimmingWhitespace()
            }
        }
        return current?.trimmingWhitespace()
    }

    /// RFC 2045 §6.7: `=XX` is a byte, `=` at the end of a line a soft break.
    static func decodeQuotedPrintable(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = body.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < body.endIndex {
            let byte = body[index]
            guard byte == 0x3D else {
                out.append(byte)
                index += 1
                continue
            }
            let next = index + 1
            if next < body.endIndex, body[next] == 0x0A {
                index = next + 1
            } else if next + 1 < body.endIndex, body[next] == 0x0D, body[next + 1] == 0x0A {
                index = next + 2
            } else if next + 1 < body.endIndex, let high = hex(body[next]), let low = hex(body[next + 1]) {
                out.append(high << 4 | low)
                index = next + 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
