import Foundation
import RolloutCore

/// The signature-checking port (issue 23): a signed part and the message's arrival in, the signer or why not out.
/// An adapter per technology (OpenSSL's CMS for S/MIME, GPGME for OpenPGP; ``SignatureVerifiers`` picks by scheme);
/// it decides only whether the signature is valid and from a trusted certificate or key, never whether the signer is
/// the sender (``Ingest`` does, from the configuration).
public protocol SignatureVerifier: Sendable {
    /// The signature technologies it checks; a part of another scheme is not looked at (the mail counts as unsigned).
    var schemes: Set<SignedPart.Scheme> { get }

    /// Checks `part` as it stood at `arrival` (certificate validity and revocation at that time).
    func verify(_ part: SignedPart, at arrival: Date) -> SignatureVerdict
}

/// What a signature check found.
public enum SignatureVerdict: Sendable, Equatable {
    case verified(VerifiedSignature)
    /// The signature is not valid, or its certificate is not trusted: why, in words fit for the sender.
    case refused(String)
}

/// A valid signature: who signed, and exactly what they signed.
public struct VerifiedSignature: Sendable, Equatable {
    /// S/MIME: the certificate's subject and issuer; OpenPGP: the key's user ID and fingerprint.
    public var signer: SignerIdentity
    /// The addresses the certificate names (`rfc822Name` in subjectAltName, `emailAddress` in the subject), or the
    /// e-mail addresses of the key's valid user IDs.
    public var addresses: [EmailAddress]
    /// The signed entity (a MIME entity: headers and body) as it was signed; the only words that count.
    public var content: [UInt8]
    /// The signing time the signer claimed, when the signature carries one.
    public var signedAt: Date?
    /// The signature's own bytes, by which the same signed mail sent again is recognised.
    public var signature: [UInt8]

    public init(
        signer: SignerIdentity, addresses: [EmailAddress], content: [UInt8], signedAt: Date?, signature: [UInt8]
    ) {
        self.signer = signer
        self.addresses = addresses
        self.content = content
        self.signedAt = signedAt
        self.signature = signature
    }
}
