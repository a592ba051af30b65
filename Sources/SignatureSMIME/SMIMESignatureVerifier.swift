internal import COpenSSL
import Foundation
import RolloutCore
import RolloutGateway

/// The ``SignatureVerifier`` for S/MIME over OpenSSL's CMS (RFC 8551, RFC 5652): the signature against the signed
/// bytes, the signer's certificate against the CA directory at the message's arrival (purpose S/MIME signing, CRLs
/// from the same directory), every CA of the chain one of the listed IGTF profiles, and every certificate inside its
/// issuer's namespace. Each call builds its own OpenSSL objects and frees them: safe from several threads.
public struct SMIMESignatureVerifier: SignatureVerifier {
    public let settings: SMIMESettings
    /// SHA-256 fingerprints of the CA certificates the listed profiles name.
    let profileCAs: Set<[UInt8]>

    /// Reads the profiles' CA lists from the directory; a profile whose list is missing contributes no CA.
    public init(settings: SMIMESettings) {
        self.settings = settings
        var fingerprints = Set<[UInt8]>()
        for profile in settings.profiles {
            let info = "\(settings.caDirectory)/policy-igtf-\(profile).info"
            guard let text = try? String(contentsOfFile: info, encoding: .utf8) else { continue }
            for alias in IGTFProfileInfo.aliases(in: text) {
                if let certificate = Certificate(pemFile: "\(settings.caDirectory)/\(alias).pem") {
                    fingerprints.insert(certificate.fingerprint)
                }
            }
        }
        self.profileCAs = fingerprints
    }

    public var schemes: Set<SignedPart.Scheme> { [.smime] }

    public func verify(_ part: SignedPart, at arrival: Date) -> SignatureVerdict {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard part.scheme == .smime else { return .refused("this verifier checks S/MIME signatures only") }
        switch check(part, at: arrival) {
        case .success(let signature): return .verified(signature)
        case .failure(let refusal): return .refused(refusal.reason)
        }
    }

    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private func check(_ part: SignedPart, at arrival: Date) -> Result<VerifiedSignature, Refusal> {
        let der: [UInt8]
        let detachedContent: [UInt8]?
        switch part.form {
        case .detached(let content, let signature): (der, detachedContent) = (signature, content)
        case .opaque(let blob): (der, detachedContent) = (blob, nil)
        case .notKept: return .failure(Refusal("another S/MIME signed part came first; one signed reply is expected"))
        }
        guard let cms = MemoryBIO(der).read({ d2i_CMS_bio($0, nil) }) else {
            return .failure(Refusal("the signature cannot be read (no CMS/PKCS #7 signed data)"))
        }
        defer { CMS_ContentInfo_free(cms) }
        guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed else {
            return .failure(Refusal("the S/MIME part is not signed data"))
        }
        let signerCount = COpenSSL_signer_infos_count(cms)
        guard signerCount == 1 else {
            return .failure(Refusal("the signature has \(signerCount) signers; one is expected"))
        }
        guard (CMS_is_detached(cms) == 1) == (detachedContent != nil) else {
            return .failure(Refusal("the signature's form does not match its MIME type (detached and enclosed content mixed)"))
        }
        guard let store = TrustStore(directory: settings.caDirectory) else {
            return .failure(Refusal("the gateway cannot read its CA directory"))
        }
        let output = MemoryBIO([])
        let content = detachedContent.map(MemoryBIO.init)
        // The signature over the bytes first (the certificate is checked below, with the time and namespaces).
        guard CMS_verify(cms, nil, store.handle, content?.handle, output.handle, COpenSSL_flags_binary_no_signer_verify()) == 1
        else {
            return .failure(Refusal("the signature does not match the signed text (it was changed on the way, or belongs to another message)"))
        }
        guard let signers = CMS_get0_signers(cms) else { return .failure(Refusal("the signer's certificate is not in the message")) }
        defer { COpenSSL_certificates_free_shallow(signers) }
        guard COpenSSL_certificates_count(signers) == 1, let signer = COpenSSL_certificate_at(signers, 0) else {
            return .failure(Refusal("the signer's certificate is not in the message"))
        }
        let chain: CertificateChain
        switch store.chain(of: signer, untrusted: CMS_get1_certs(cms), at: arrival, requireCRL: settings.requireCRL) {
        case .success(let built): chain = built
        case .failure(let refusal): return .failure(refusal)
        }
        if let refusal = judge(chain) { return .failure(refusal) }
        let leaf = chain.certificates[0]
        return .success(
            VerifiedSignature(
                signer: SignerIdentity(subject: leaf.subject, issuer: leaf.issuer), addresses: leaf.emailAddresses,
                content: detachedContent ?? output.bytes,
                signedAt: { let seconds = COpenSSL_signing_time(cms); return seconds > 0 ? Date(timeIntervalSince1970: TimeInterval(seconds)) : nil }(),
                signature: der))
    }

    /// Every CA of the chain in a listed profile, every certificate inside its issuer's namespace.
    private func judge(_ chain: CertificateChain) -> Refusal? {
        let certificates = chain.certificates
        guard certificates.count >= 2 else { return Refusal("the signer's certificate is itself a CA") }
        for authority in certificates.dropFirst() where !profileCAs.contains(authority.fingerprint) {
            return Refusal(
                "the certificate's authority \(authority.subject) is not in the IGTF profiles this gateway accepts (\(settings.profiles.joined(separator: ", ")))")
        }
        for index in 0..<(certificates.count - 1) {
            let certificate = certificates[index]
            let issuer = certificates[index + 1]
            guard let policy = namespacePolicy(of: issuer) else {
                return Refusal("the authority \(issuer.subject) has no namespace policy (.namespaces or .signing_policy) here")
            }
            guard policy.permits(subject: certificate.subject, issuedBy: issuer.subject) else {
                return Refusal("the certificate \(certificate.subject) lies outside the namespace of its authority \(issuer.subject)")
            }
        }
        return nil
    }

    /// The CA's `.namespaces` file, else its `.signing_policy`, found by the CA's subject hash.
    private func namespacePolicy(of authority: Certificate) -> CANamespacePolicy? {
        let base = "\(settings.caDirectory)/\(authority.subjectHash)"
        if let text = try? String(contentsOfFile: base + ".namespaces", encoding: .utf8) {
            return .namespaces(text)
        }
        if let text = try? String(contentsOfFile: base + ".signing_policy", encoding: .utf8) {
            return .signingPolicy(text)
        }
        return nil
    }
}
