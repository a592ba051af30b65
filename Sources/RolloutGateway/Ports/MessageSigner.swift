/// The outbound signing port (issue 23): the signed entity's bytes (header fields and body, canonical CRLF) in, a
/// detached signature out. An adapter per technology (OpenSSL's CMS for S/MIME).
public protocol MessageSigner: Sendable {
    /// The signature's MIME type, the `protocol` of `multipart/signed` (`application/pkcs7-signature`).
    var signatureType: String { get }
    /// The digest, the `micalg` of `multipart/signed` (`sha-256`).
    var digestName: String { get }
    /// The detached signature over exactly `entity` (DER for S/MIME), or nil when it cannot be made.
    func sign(_ entity: [UInt8]) -> [UInt8]?
}
