internal import COpenSSL
import Foundation
import RolloutGateway

/// The ``MessageSigner`` for S/MIME over OpenSSL's CMS (`outbox.smime`): a detached SHA-256 signature by the gateway's
/// certificate over the exact bytes, the certificate and the chain after it in its file sent along. The PEM files are
/// read once, and checked then (readable, the key belongs to the certificate); each signature parses them again, so
/// that no OpenSSL object is shared between threads.
public struct SMIMEMessageSigner: MessageSigner {
    let certificatePEM: [UInt8]
    let keyPEM: [UInt8]

    public var signatureType: String { "application/pkcs7-signature" }
    public var digestName: String { "sha-256" }

    /// Why the certificate or key cannot sign, in words for the operator.
    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(settings: OutboxSigningSettings) throws(SetupError) {
        guard let certificate = FileManager.default.contents(atPath: settings.certificate) else {
            throw SetupError(description: "the certificate \(settings.certificate) cannot be read")
        }
        guard let key = FileManager.default.contents(atPath: settings.keyFile) else {
            throw SetupError(description: "the key file \(settings.keyFile) cannot be read (it must be readable by the gateway's user)")
        }
        certificatePEM = Array(certificate)
        keyPEM = Array(key)
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let material = Material(self) else {
            throw SetupError(description: "\(settings.certificate) holds no PEM certificate, or \(settings.keyFile) no unencrypted PEM private key")
        }
        guard X509_check_private_key(material.certificate, material.key) == 1 else {
            throw SetupError(description: "the key \(settings.keyFile) does not belong to the certificate \(settings.certificate)")
        }
    }

    public func sign(_ entity: [UInt8]) -> [UInt8]? {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let material = Material(self) else { return nil }
        let content = MemoryBIO(entity)
        guard let cms = CMS_sign(material.certificate, material.key, material.chain, content.handle, COpenSSL_flags_detached_binary())
        else { return nil }
        defer { CMS_ContentInfo_free(cms) }
        let output = MemoryBIO([])
        guard i2d_CMS_bio(output.handle, cms) == 1 else { return nil }
        return output.bytes
    }

    /// The parsed certificate, key and chain of one signature, freed with it.
    private final class Material {
        let certificate: OpaquePointer
        let key: OpaquePointer
        let chain: OpaquePointer

        init?(_ signer: SMIMEMessageSigner) {
            let certificates = MemoryBIO(signer.certificatePEM)
            guard let certificate = certificates.read({ PEM_read_bio_X509($0, nil, nil, nil) }) else { return nil }
            guard let key = MemoryBIO(signer.keyPEM).read({ PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
                X509_free(certificate)
                return nil
            }
            guard let chain = COpenSSL_certificates_new() else {
                X509_free(certificate)
                EVP_PKEY_free(key)
                return nil
            }
            while let next = certificates.read({ PEM_read_bio_X509($0, nil, nil, nil) }) {
                _ = COpenSSL_certificates_push(chain, next)
            }
            self.certificate = certificate
            self.key = key
            self.chain = chain
        }

        deinit {
            X509_free(certificate)
            EVP_PKEY_free(key)
            COpenSSL_certificates_free(chain)
        }
    }
}
