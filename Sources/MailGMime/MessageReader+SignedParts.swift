internal import CGMime
import RolloutCore

/// Signed parts (issue 23): located by GMime, handed over as bytes; the signature itself is checked elsewhere
/// (``SignatureVerifier``), and the words that count are read again from the bytes it covered.
extension MessageReader {
    /// The signature types of `multipart/signed` (RFC 1847 `protocol` parameter) the gateway knows.
    static let signatureProtocols: [String: SignedPart.Scheme] = [
        "application/pkcs7-signature": .smime, "application/x-pkcs7-signature": .smime,
        "application/pgp-signature": .openpgp,
    ]

    /// A `multipart/signed` of a known protocol with its two parts: the first part's bytes as received (RFC 1847
    /// canonical form: CRLF line ends) and the second part's signature, decoded; only counted (``SignedPart/Form/notKept``)
    /// when a part of its scheme is `kept` already.
    static func signedPart(
        _ multipart: UnsafeMutablePointer<GMimeMultipart>, wholeBody: Bool, kept: Set<SignedPart.Scheme>
    ) -> SignedPart? {
        let object = CGMime_object(multipart)
        guard mimeType(of: object) == "multipart/signed",
            let scheme = parameter("protocol", of: object).flatMap({ signatureProtocols[$0.lowercased()] }),
            g_mime_multipart_get_count(multipart) == 2,
            let content = g_mime_multipart_get_part(multipart, 0),
            let signature = g_mime_multipart_get_part(multipart, 1), CGMime_is_part(signature) != 0,
            signatureProtocols[mimeType(of: signature)] == scheme
        else { return nil }
        if kept.contains(scheme) { return SignedPart(scheme: scheme, form: .notKept, wholeBody: wholeBody) }
        return SignedPart(
            scheme: scheme,
            form: .detached(content: canonical(serialized(content)), signature: contentBytes(of: CGMime_part(signature))),
            wholeBody: wholeBody)
    }

    /// An `application/pkcs7-mime` part of `smime-type=signed-data` (RFC 8551 §3.5.2): the blob, decoded; only
    /// counted when an S/MIME part is `kept` already.
    static func opaqueSignedPart(
        _ part: UnsafeMutablePointer<GMimePart>, mimeType: String, wholeBody: Bool, kept: Set<SignedPart.Scheme>
    ) -> SignedPart? {
        guard mimeType == "application/pkcs7-mime" || mimeType == "application/x-pkcs7-mime",
            parameter("smime-type", of: CGMime_object(part))?.lowercased() == "signed-data"
        else { return nil }
        if kept.contains(.smime) { return SignedPart(scheme: .smime, form: .notKept, wholeBody: wholeBody) }
        return SignedPart(scheme: .smime, form: .opaque(contentBytes(of: part)), wholeBody: wholeBody)
    }

    /// Line ends as CRLF (RFC 5751 §3.1.1 canonical form): a bare LF (a message stored on a Unix system) becomes
    /// CRLF, a CRLF stays.
    static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 32)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A, previous != 0x0D { result.append(0x0D) }
            result.append(byte)
            previous = byte
        }
        return result
    }
}
