internal import CGPGME
import Foundation

/// The gateway's own GnuPG home (never the user's `~/.gnupg`): a directory of mode 0700 under the temporary
/// directory, made and removed by the process, holding the operator's keyring imported once. `gpg.conf` makes the
/// keyring the trust (`trust-model always`: every imported key is believed for its own user IDs), forbids looking
/// keys up anywhere else (no key server, no auto-key-retrieve, no key carried by a signature), starts no gpg-agent
/// (verifying needs none; without the agent no secret key can be imported either), keeps of each key only its own
/// signatures (a key flooded with certifications costs nothing) and refuses SHA-1 and older digests.
final class GnuPGHome: Sendable {
    let path: String
    /// Why the keyring is not usable (cannot be read, holds no key), or nil.
    let problem: String?
    /// Keys of the keyring that can never match a sender: not revoked, yet without a user ID with an e-mail address.
    let keysWithoutAddress: [String]

    static let configuration = """
        trust-model always
        no-auto-key-retrieve
        no-auto-key-import
        auto-key-locate local
        no-autostart
        import-options self-sigs-only import-clean
        weak-digest SHA1
        weak-digest RIPEMD160
        no-greeting

        """

    init?(keyring: String) {
        var template = Array((NSTemporaryDirectory() + "rollout-gnupg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { return nil }  // mode 0700
        path = String(cString: made)
        guard FileManager.default.createFile(atPath: path + "/gpg.conf", contents: Data(Self.configuration.utf8)) else { return nil }
        (problem, keysWithoutAddress) = Self.importKeyring(keyring, into: path)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    private static func importKeyring(_ keyring: String, into home: String) -> (problem: String?, keysWithoutAddress: [String]) {
        guard let bytes = FileManager.default.contents(atPath: keyring) else {
            return ("the gateway cannot read its OpenPGP keyring \(keyring) (inbound.openpgp.keyring)", [])
        }
        guard let context = GPGMEContext(home: home), let data = GPGMEData(Array(bytes)) else {
            return ("the gateway cannot start GnuPG (GPGME) to read its OpenPGP keyring", [])
        }
        guard gpgme_op_import(context.handle, data.handle) == 0, let result = gpgme_op_import_result(context.handle),
            result.pointee.imported + result.pointee.unchanged > 0
        else {
            return ("the OpenPGP keyring \(keyring) holds no public key GnuPG can read (inbound.openpgp.keyring)", [])
        }
        guard result.pointee.secret_read == 0 else {
            // A keyring file with secret keys is a mistake in how it was exported: the operator's private keys do not
            // belong in a gateway's file (none is imported without an agent, but say so rather than pass quietly).
            return ("the OpenPGP keyring \(keyring) holds secret keys; export public keys only (gpg --export) (inbound.openpgp.keyring)", [])
        }
        return (nil, context.keys().filter { !$0.revoked && $0.addresses.isEmpty }.map(\.fingerprint))
    }
}
