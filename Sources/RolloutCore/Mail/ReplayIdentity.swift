import Foundation

/// What makes a message the same message again beyond its Message-ID (SPEC §5 "Each message once"): the same mail
/// sent again under a new Message-ID must not act twice.
///
/// - A DKIM signature (`b=`) is made once, for one message: a message carrying a signature seen before is that
///   message again, whatever its Message-ID.
/// - Unsigned, the sender, the `Date:`, the ticket and the text the sender wrote identify it (the same words sent to two
///   tickets are two messages).
///
/// The texts returned are what the store keeps (hashed by the caller) next to the message's Message-ID — for a message
/// applied from a strong sender only, so that a forged copy sent first cannot make the genuine mail a duplicate.
public enum ReplayIdentity {
    /// Signatures read per message at most: every one of them (a replayer may put junk signatures above the real
    /// one); a message with more is never strong (``MessageClassifier``).
    public static let signaturesRead = 16

    /// The identities of a message: one per DKIM signature, and one of sender, date and text when it has a date.
    public static func identities(
        of message: InboundMessage, sender: EmailAddress?, ticket: TicketID?, newText: [String]
    ) -> [String] {
        var identities = message.headers.dkimSignatures.prefix(signaturesRead).compactMap(signatureValue).map { "dkim-b:\($0)" }
        if let sender, let written = message.headers.writtenAt {
            let text = newText.map(wordsSpaced).filter { !$0.isEmpty }.joined(separator: "\n")
            identities.append("text:\(sender.key)|\(Int(written.timeIntervalSince1970))|\(ticket?.rawValue ?? 0)|\(text)")
        }
        return identities
    }

    /// A line's words split at blanks and tabs, joined by one blank. An ASCII line byte by byte (there each blank or tab
    /// is a character of its own: the same words as the split by character, at a tenth of the cost); any other by
    /// character, where a blank that a combining mark follows is no blank.
    static func wordsSpaced(_ line: String) -> String {
        guard line.utf8.allSatisfy({ $0 < 0x80 }) else {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(line.utf8.count)
        var blankBefore = false
        for byte in line.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                blankBefore = !bytes.isEmpty
                continue
            }
            if blankBefore { bytes.append(UInt8(ascii: " ")) }
            blankBefore = false
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `b=` tag of a `DKIM-Signature` value (RFC 6376 §3.2 tag list), folding white space removed; nil when it has
    /// none or an empty one.
    static func signatureValue(_ field: String) -> String? { DKIMSignatureField.tag("b", in: field) }
}
