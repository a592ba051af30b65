import Foundation
import RolloutCore

/// Writes messages in Swift: encoded words (RFC 2047) for non-ASCII text, quoted-printable bodies, CRLF.
///
/// Header values are cleaned of CR, LF and other control characters, so that nothing taken from a ticket,
/// a team name or a file name can add a header.
public struct SwiftMessageWriter: MessageWriter {
    public init() {}

    public func write(_ message: MailMessage) -> [UInt8] {
        var headers: [(String, String)] = [
            ("From", mailbox(message.from)),
            ("To", message.to.map { "<\(Self.clean($0.value))>" }.joined(separator: ",\r\n ")),
            ("Subject", Self.encodeWords(Self.clean(message.subject))),
            ("Date", Self.rfc5322Date(message.date)),
            ("Message-ID", "<\(Self.clean(message.messageID))>"),
        ]
        if let last = message.references.last {
            headers.append(("In-Reply-To", "<\(Self.clean(last))>"))
            headers.append(("References", message.references.map { "<\(Self.clean($0))>" }.joined(separator: " ")))
        }
        headers.append(("Reply-To", mailbox(message.replyTo)))
        headers += message.extraHeaders.map { ($0.0, Self.clean($0.1)) }
        headers += [
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ]
        var text = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        text += "\r\n"
        text += Self.quotedPrintable(message.body)
        return Array(text.utf8)
    }

    private func mailbox(_ mailbox: Mailbox) -> String {
        let cleanName = Self.clean(mailbox.name ?? "")
        guard !cleanName.isEmpty else { return "<\(Self.clean(mailbox.address.value))>" }
        let phrase: String
        if cleanName.unicodeScalars.allSatisfy({ $0.isASCII }) {
            phrase = "\"" + cleanName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        } else {
            phrase = Self.encodeWords(cleanName)
        }
        return "\(phrase) <\(Self.clean(mailbox.address.value))>"
    }

    /// Replaces CR, LF and other control characters with spaces.
    public static func clean(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { scalar in
            (scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}") ? " " : scalar
        }))
    }

    /// RFC 2047 encoded words (UTF-8, base64) for text that is not plain ASCII; ASCII passes unchanged.
    public static func encodeWords(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else { return text }
        // Each encoded word stays within 75 characters: 45 bytes of UTF-8 become 60 of base64,
        // and a word never splits a character.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 2045 quoted-printable, lines of at most 76 characters, CRLF line ends. A line's leading `.` is
    /// encoded too, so that no SMTP server can take it for the end of the data.
    public static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8 + 8)
        var lineLength = 0
        var bytes = Array(text.utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) {
                output += [0x0D, 0x0A]
                lineLength = 0
                index += byte == 0x0D ? 2 : 1
                continue
            }
            let atLineEnd = index + 1 == bytes.count || bytes[index + 1] == 0x0A || bytes[index + 1] == 0x0D
            let encode =
                byte == 0x3D || byte > 0x7E || (byte < 0x20 && byte != 0x09)
                || (atLineEnd && (byte == 0x20 || byte == 0x09)) || (lineLength == 0 && byte == 0x2E)
            let width = encode ? 3 : 1
            if lineLength + width > 75 {
                output += [0x3D, 0x0D, 0x0A]
                lineLength = 0
            }
            if encode {
                output += [0x3D, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            } else {
                output.append(byte)
            }
            lineLength += width
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `Wed, 25 Nov 2026 08:04:02 +0000` (RFC 5322 §3.3).
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][(c.weekday ?? 1) - 1]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(c.month ?? 1) - 1]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", weekday, c.day!, month, c.year!, c.hour!, c.minute!, c.second!)
    }
}
