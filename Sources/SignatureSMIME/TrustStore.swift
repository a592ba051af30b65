internal import COpenSSL
import Foundation

/// An `X509_STORE` over the CA directory (hash-dir lookup: `hash.N` certificates, `hash.rN` CRLs), freed with it.
final class TrustStore {
    let handle: OpaquePointer

    init?(directory: String) {
        guard let store = X509_STORE_new() else { return nil }
        handle = store
        guard let lookup = X509_STORE_add_lookup(store, COpenSSL_hash_dir_method()),
            COpenSSL_lookup_add_dir(lookup, directory) == 1
        else { return nil }
    }

    deinit { X509_STORE_free(handle) }

    /// Builds and checks the chain of `certificate` as of `time`: purpose S/MIME signing, CRLs of every issuer
    /// checked when the directory holds them (required when `requireCRL`). Takes over `untrusted`.
    func chain(
        of certificate: OpaquePointer, untrusted: OpaquePointer?, at time: Date, requireCRL: Bool
    ) -> Result<CertificateChain, SMIMESignatureVerifier.Refusal> {
        defer { if let untrusted { COpenSSL_certificates_free(untrusted) } }
        guard let context = X509_STORE_CTX_new() else { return .failure(.init("the gateway ran out of memory")) }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, handle, certificate, untrusted) == 1 else {
            return .failure(.init("the gateway could not check the certificate"))
        }
        _ = X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SMIME_SIGN)
        X509_STORE_CTX_set_time(context, 0, time_t(time.timeIntervalSince1970))
        X509_VERIFY_PARAM_set_flags(
            X509_STORE_CTX_get0_param(context), UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
        if !requireCRL { COpenSSL_store_context_crl_optional(context) }
        guard X509_verify_cert(context) == 1 else {
            return .failure(.init(Self.describe(X509_STORE_CTX_get_error(context))))
        }
        guard let chain = X509_STORE_CTX_get1_chain(context) else {
            return .failure(.init("the gateway could not check the certificate"))
        }
        defer { COpenSSL_certificates_free(chain) }
        let certificates = (0..<COpenSSL_certificates_count(chain)).compactMap { COpenSSL_certificate_at(chain, $0) }.map(Certificate.init)
        return .success(CertificateChain(certificates: certificates))
    }

    private static func describe(_ error: Int32) -> String {
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: "the signer's certificate had expired when the message arrived"
        case X509_V_ERR_CERT_NOT_YET_VALID: "the signer's certificate was not yet valid when the message arrived"
        case X509_V_ERR_CERT_REVOKED: "the signer's certificate is revoked"
        case X509_V_ERR_UNABLE_TO_GET_CRL: "no revocation list (CRL) of the certificate's authority is at hand, and this gateway requires one"
        case X509_V_ERR_CRL_HAS_EXPIRED: "the revocation list of the certificate's authority is out of date"
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            "the certificate was issued by an authority this gateway does not trust"
        case X509_V_ERR_INVALID_PURPOSE: "the certificate may not sign mail (S/MIME signing purpose)"
        default:
            "the certificate was not accepted (\(X509_verify_cert_error_string(Int(error)).map { String(cString: $0) } ?? "error \(error)"))"
        }
    }
}
