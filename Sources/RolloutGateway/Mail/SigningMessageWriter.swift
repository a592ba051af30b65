import Foundation

/// A ``MessageWriter`` that signs what another writes (`outbox.smime`, issue 23): the message's content header
/// fields and body become the first part of a `multipart/signed` (RFC 1847, RFC 8551 §3.5.3), signed over exactly
/// those CRLF bytes, the detached signature the second part. The signed part repeats From, Subject and Date as
/// protected headers (`protected-headers="v1"`), so that a signed body lifted into another message still shows
/// what it was sent as. Relayed conversation (``MailMessage/signable`` false) is not signed: the words
/// are a sender's. Used where messages are composed (inside the ingest transaction, as every composition), never in
/// `send`. A signature that cannot be made leaves the message unsigned, as it would be without `outbox.smime`.
public struct SigningMessageWriter: MessageWriter {
    public let inner: any MessageWriter
    public let signer: any MessageSigner

    public init(_ inner: any MessageWriter, signer: any MessageSigner) {
        self.inner = inner
        self.signer = signer
    }

    /// The header fields that describe the body: they move into the signed part.
    static let contentFields: Set<String> = [
        "content-type", "content-transfer-encoding", "content-disposition", "content-description", "content-id",
    ]

    public func write(_ message: MailMessage) -> [UInt8] {
        let written = inner.write(message)
        guard message.signable, let end = written.firstRange(of: Array("\r\n\r\n".utf8)) else { return written }
        var outer: [String] = []
        var content: [String] = []
        var protected: [String] = []
        for field in Self.fields(String(decoding: written[..<end.lowerBound], as: UTF8.self)) {
            let name = field.prefix { $0 != ":" }.lowercased()
            if name == "content-type" {
                content.append(field + ";\r\n protected-headers=\"v1\"")
            } else if Self.contentFields.contains(name) {
                content.append(field)
            } else if name != "mime-version" {
                outer.append(field)
                if Self.protectedFields.contains(name) { protected.append(field) }
            }
        }
        content = protected + content
        let entity = Array((content.joined(separator: "\r\n") + "\r\n\r\n").utf8) + written[end.upperBound...]
        guard let signature = signer.sign(entity) else { return written }
        let boundary = "=-rollout-signed-" + SHA256Hex.of(entity).prefix(32)
        let base64 = Data(signature).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let head =
            outer.joined(separator: "\r\n") + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/signed; protocol=\"\(signer.signatureType)\"; micalg=\(signer.digestName);\r\n boundary=\"\(boundary)\"\r\n\r\n"
            + "This is a cryptographically signed message in MIME format.\r\n\r\n--\(boundary)\r\n"
        let tail =
            "\r\n--\(boundary)\r\nContent-Type: \(signer.signatureType); name=\"smime.p7s\"\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n\(base64)\r\n--\(boundary)--\r\n"
        return Array(head.utf8) + entity + Array(tail.utf8)
    }

    /// The header fields repeated inside the signed part (the "protected headers" of draft-ietf-lamps-header-protection):
    /// those every per-person copy shares. To, Message-ID and Reply-To differ by copy (``MailComposer/copy(of:composedFrom:as:)``
    /// rewrites them outside the signature), so they stay out: inside, they would name the first recipient to all.
    static let protectedFields: Set<String> = ["from", "subject", "date"]

    /// The header block's fields, each with its folded continuation lines.
    static func fields(_ header: String) -> [String] {
        var fields: [String] = []
        for line in header.components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += "\r\n" + line
            } else {
                fields.append(line)
            }
        }
        return fields
    }
}
