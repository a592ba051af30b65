/// The fields that servers add to a message on its way (trace fields, RFC 5321 §4.4, and their kin), left out of
/// the digest that stands for a message without Message-ID: the same message delivered twice, once with one more
/// `Received:` line, is then the same message.
///
/// Left out: `Received`, `X-Received`, `Received-SPF`, `Return-Path`, `Delivered-To`, `X-Original-To`,
/// `Authentication-Results`, every `ARC-*` field (RFC 8617), `X-Spam-*` and `X-Virus-Scanned`. Kept:
/// `DKIM-Signature` (the author's domain signed the message as sent; a relay adding its own signature makes
/// another message), and every other field. Line ends are read alike (CRLF as LF), as an IMAP and a Maildir copy
/// of one message differ there.
public enum TraceFields {
    /// Field names (lower case) left out.
    public static let names: Set<String> = [
        "received", "x-received", "received-spf", "return-path", "delivered-to", "x-original-to",
        "authentication-results", "x-virus-scanned",
    ]
    /// Field-name prefixes (lower case) left out.
    public static let prefixes = ["arc-", "x-spam-"]

    /// Whether a field of this name is a trace field.
    public static func isTrace<S: StringProtocol>(_ name: S) -> Bool {
        let lower = name.lowercased()
        return names.contains(lower) || prefixes.contains { lower.hasPrefix($0) }
    }

    /// The raw message without its trace fields (with their folded continuation lines), CRLF read as LF.
    public static func removed(from raw: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        var inHeader = true
        var dropping = false
        while index < raw.count {
            var end = index
            while end < raw.count, raw[end] != newline { end += 1 }
            var contentEnd = end
            if contentEnd > index, raw[contentEnd - 1] == carriageReturn { contentEnd -= 1 }
            let line = raw[index..<contentEnd]
            if inHeader {
                if line.isEmpty {
                    inHeader = false
                    dropping = false
                } else if line.first == space || line.first == tab {
                    // a continuation line belongs to the field before it
                } else if let colon = line.firstIndex(of: colonMark) {
                    let name = String(decoding: raw[index..<colon], as: UTF8.self).trimmingWhitespace()
                    dropping = isTrace(name)
                } else {
                    dropping = false
                }
            }
            if !(inHeader && dropping) {
                output.append(contentsOf: line)
                if end < raw.count { output.append(newline) }
            }
            index = end + 1
        }
        return output
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colonMark = UInt8(ascii: ":")
}
