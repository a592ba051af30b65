internal import COpenSSL
import Foundation
import RolloutCore

/// What the verifier needs of one X.509 certificate, read once: names, addresses, fingerprint, subject hash.
struct Certificate {
    /// The subject in OpenSSL's one-line form (`/C=NL/O=…/CN=…`), as IGTF's namespace files write names.
    var subject: String
    var issuer: String
    /// SHA-256 of the DER encoding.
    var fingerprint: [UInt8]
    /// The subject's hash as the CA directory names files (`%08lx`, OpenSSL's `X509_subject_name_hash`).
    var subjectHash: String
    /// `rfc822Name` entries of subjectAltName and `emailAddress` attributes of the subject.
    var emailAddresses: [EmailAddress]

    init(_ handle: OpaquePointer) {
        subject = Self.oneLine(X509_get_subject_name(handle))
        issuer = Self.oneLine(X509_get_issuer_name(handle))
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        if X509_digest(handle, EVP_sha256(), &digest, &length) == 1 {
            fingerprint = Array(digest.prefix(Int(length)))
        } else {
            fingerprint = []
        }
        subjectHash = String(format: "%08lx", X509_subject_name_hash(handle))
        var addresses: [EmailAddress] = []
        if let emails = X509_get1_email(handle) {
            for index in 0..<COpenSSL_strings_count(emails) {
                if let text = COpenSSL_string_at(emails, index) { addresses.append(EmailAddress(String(cString: text))) }
            }
            X509_email_free(emails)
        }
        emailAddresses = addresses
    }

    /// The certificate of a PEM file, or nil.
    init?(pemFile path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bio = MemoryBIO(Array(data))
        guard let handle = bio.read({ PEM_read_bio_X509($0, nil, nil, nil) }) else { return nil }
        defer { X509_free(handle) }
        self.init(handle)
    }

    private static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let text = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { CRYPTO_free(text, nil, 0) }
        return String(cString: text)
    }
}
