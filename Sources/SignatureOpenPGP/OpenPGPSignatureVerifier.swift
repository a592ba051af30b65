internal import CGPGME
import Foundation
import RolloutCore
import RolloutGateway

/// The ``SignatureVerifier`` for OpenPGP/MIME (RFC 3156) over GPGME: the detached signature over the signed part's
/// bytes as received (canonical CRLF), by a key of the operator's keyring (`inbound.openpgp.keyring`) that was
/// neither revoked nor expired at the message's arrival. The keyring is the trust: every key in it is believed for
/// its own user IDs; no key is ever fetched from elsewhere. Each call makes its own GPGME context: safe from several
/// threads.
public struct OpenPGPSignatureVerifier: SignatureVerifier {
    public let settings: OpenPGPSettings
    let home: GnuPGHome?

    /// Makes the private GnuPG home and imports the keyring into it (a keyring that cannot be read is reported by
    /// every check, and by ``warnings``).
    public init(settings: OpenPGPSettings) {
        self.settings = settings
        home = GnuPGHome(keyring: settings.keyring)
    }

    public var schemes: Set<SignedPart.Scheme> { [.openpgp] }

    /// The private GnuPG home this verifier made (removed when the last copy of the verifier goes); nil when it
    /// could not be made.
    public var homeDirectory: String? { home?.path }

    /// What `config check` says of the keyring: unreadable, or keys that name no e-mail address (never a sender).
    public var warnings: [String] {
        guard let home else { return ["the gateway cannot make its private GnuPG home in \(NSTemporaryDirectory())"] }
        if let problem = home.problem { return [problem] }
        return home.keysWithoutAddress.map {
            "inbound.openpgp.keyring \(settings.keyring): key \($0) has no user ID with an e-mail address; its signatures never make a sender strong"
        }
    }

    public func verify(_ part: SignedPart, at arrival: Date) -> SignatureVerdict {
        switch check(part, at: arrival) {
        case .success(let signature): .verified(signature)
        case .failure(let refusal): .refused(refusal.reason)
        }
    }

    /// The most bytes of the signature part looked at.
    static let maxSignatureBytes = 64 << 10

    /// Digests whose collisions can be bought: a signature over one is no proof of the text.
    static let weakDigests: Set<gpgme_hash_algo_t> = [GPGME_MD_MD5, GPGME_MD_SHA1, GPGME_MD_RMD160, GPGME_MD_MD2, GPGME_MD_MD4]

    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private func check(_ part: SignedPart, at arrival: Date) -> Result<VerifiedSignature, Refusal> {
        if part.form == .notKept { return .failure(Refusal("another OpenPGP signed part came first; one signed reply is expected")) }
        guard part.scheme == .openpgp, case .detached(let content, let signatureBytes) = part.form else {
            return .failure(Refusal("this verifier checks OpenPGP/MIME (multipart/signed) signatures only"))
        }
        // One signature packet is a few hundred bytes; thousands of packets are work for gpg and no use to anyone.
        guard signatureBytes.count <= Self.maxSignatureBytes else {
            return .failure(Refusal("the OpenPGP signature part holds \(signatureBytes.count) bytes, over \(Self.maxSignatureBytes)"))
        }
        guard let home else { return .failure(Refusal("the gateway cannot make its private GnuPG home")) }
        if let problem = home.problem { return .failure(Refusal(problem)) }
        guard let context = GPGMEContext(home: home.path), let signatureData = GPGMEData(signatureBytes),
            let signedData = GPGMEData(content)
        else { return .failure(Refusal("the gateway cannot start GnuPG (GPGME)")) }
        guard gpgme_op_verify(context.handle, signatureData.handle, signedData.handle, nil) == 0,
            let result = gpgme_op_verify_result(context.handle), let signature = result.pointee.signatures
        else { return .failure(Refusal("the OpenPGP signature cannot be read")) }
        guard signature.pointee.next == nil else {
            return .failure(Refusal("the OpenPGP signature has several signers; one is expected"))
        }
        let fingerprint = signature.pointee.fpr.map { String(cString: $0) } ?? ""
        if Self.weakDigests.contains(signature.pointee.hash_algo) {
            return .failure(Refusal("the OpenPGP signature uses a broken digest (\(String(cString: gpgme_hash_algo_name(signature.pointee.hash_algo))))"))
        }
        if let refusal = Self.refusal(status: CGPGME_code(signature.pointee.status), fingerprint: fingerprint) {
            return .failure(refusal)
        }
        if CGPGME_signature_wrong_key_usage(signature) != 0 {
            return .failure(Refusal("the OpenPGP key \(fingerprint) may not sign (its usage flags say so)"))
        }
        guard let key = context.key(fingerprint) else { return .failure(Self.notInKeyring(fingerprint)) }
        if let refusal = key.refusal(at: arrival) { return .failure(Refusal(refusal)) }
        let shown = key.userIDs.first?.text ?? "a key without user ID"
        let signedAt = signature.pointee.timestamp > 0 ? Date(timeIntervalSince1970: TimeInterval(signature.pointee.timestamp)) : nil
        return .success(
            VerifiedSignature(
                signer: SignerIdentity(subject: shown, issuer: "OpenPGP key \(key.fingerprint)"), addresses: key.addresses,
                content: content, signedAt: signedAt, signature: signatureBytes))
    }

    /// GnuPG's verdict on the signature itself. An expired key's good signature goes on: whether the key had
    /// expired is judged at the message's arrival (``OpenPGPKey/refusal(at:)``), not now.
    private static func refusal(status: UInt32, fingerprint: String) -> Refusal? {
        switch gpg_err_code_t(status) {
        case GPG_ERR_NO_ERROR, GPG_ERR_KEY_EXPIRED: nil
        case GPG_ERR_BAD_SIGNATURE:
            Refusal("the signature does not match the signed text (it was changed on the way, or belongs to another message)")
        case GPG_ERR_NO_PUBKEY: notInKeyring(fingerprint)
        case GPG_ERR_CERT_REVOKED: Refusal("the signer's OpenPGP key \(fingerprint) is revoked")
        case GPG_ERR_SIG_EXPIRED: Refusal("the OpenPGP signature had expired")
        default: Refusal("the OpenPGP signature was not accepted (\(String(cString: gpgme_strerror(gpgme_error_t(status)))))")
        }
    }

    private static func notInKeyring(_ fingerprint: String) -> Refusal {
        Refusal("the signer's OpenPGP key \(fingerprint) is not in the gateway's keyring (inbound.openpgp.keyring)")
    }
}
