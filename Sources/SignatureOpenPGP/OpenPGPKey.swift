internal import CGPGME
import Foundation
import RolloutCore

/// What the verifier needs of one OpenPGP key, read once: fingerprint, user IDs, and whether the key that signed
/// (the primary key or a subkey) was usable at a given time.
struct OpenPGPKey {
    /// The primary key's fingerprint.
    var fingerprint: String
    /// The valid user IDs (not revoked), as written (`Name <address>`), with their e-mail addresses.
    var userIDs: [(text: String, address: EmailAddress?)]
    /// The key or the signing subkey is revoked (GnuPG gives no revocation date: revoked is revoked).
    var revoked: Bool
    /// The key is disabled or invalid in the keyring.
    var unusable: Bool
    /// When the primary key and the signing subkey were made, and when each expires (nil: never).
    var created: [Date]
    var expires: [Date]

    init(_ key: gpgme_key_t, signingFingerprint: String) {
        fingerprint = key.pointee.fpr.map { String(cString: $0) } ?? ""
        var userIDs: [(text: String, address: EmailAddress?)] = []
        var uid = key.pointee.uids
        while let current = uid {
            if CGPGME_user_id_usable(current) != 0, let text = current.pointee.uid.map({ String(cString: $0) }) {
                let email = current.pointee.email.map { String(cString: $0) } ?? ""
                userIDs.append((text, email.contains("@") ? EmailAddress(email) : nil))
            }
            uid = current.pointee.next
        }
        self.userIDs = userIDs
        var revoked = CGPGME_key_revoked(key) != 0
        var created: [Date] = []
        var expires: [Date] = []
        var subkey = key.pointee.subkeys
        var isPrimary = true
        while let current = subkey {
            let fingerprint = current.pointee.fpr.map { String(cString: $0) } ?? ""
            // The signer may be named by its fingerprint or, in older signatures, its key ID (the fingerprint's end).
            if isPrimary || (!signingFingerprint.isEmpty && fingerprint.uppercased().hasSuffix(signingFingerprint.uppercased())) {
                if CGPGME_subkey_revoked(current) != 0 { revoked = true }
                if current.pointee.timestamp > 0 { created.append(Date(timeIntervalSince1970: TimeInterval(current.pointee.timestamp))) }
                if current.pointee.expires > 0 { expires.append(Date(timeIntervalSince1970: TimeInterval(current.pointee.expires))) }
            }
            isPrimary = false
            subkey = current.pointee.next
        }
        self.revoked = revoked
        self.unusable = CGPGME_key_unusable(key) != 0
        self.created = created
        self.expires = expires
    }

    /// The e-mail addresses of the valid user IDs, ASCII only: a user ID is whatever the key's owner wrote, and
    /// addresses compare with Unicode case folding (the Kelvin sign `K` U+212A folds to `k`), so an address a
    /// reviewer of the keyring would not find by grep could otherwise stand for a manager's.
    var addresses: [EmailAddress] { userIDs.compactMap(\.address).filter { $0.value.unicodeScalars.allSatisfy(\.isASCII) } }

    /// Why the key could not sign at `time`, or nil when it could.
    func refusal(at time: Date) -> String? {
        if revoked { return "the signer's OpenPGP key \(fingerprint) is revoked" }
        if unusable { return "the signer's OpenPGP key \(fingerprint) is disabled or invalid in the gateway's keyring" }
        if expires.contains(where: { $0 <= time }) { return "the signer's OpenPGP key \(fingerprint) had expired when the message arrived" }
        if created.contains(where: { $0 > time }) { return "the signer's OpenPGP key \(fingerprint) was made after the message arrived" }
        return nil
    }
}
