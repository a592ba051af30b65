import Foundation
import TestSupport
import Testing

/// `config check` and the signing settings (issue 23): `outbox.smime` is loaded as `run` loads it (a key that does not
/// belong to the certificate is exit 78, naming the key), and an OpenPGP keyring that cannot be read is warned of.
@Suite("config check: outbox.smime and inbound.openpgp")
struct SigningConfigCheckTests {
    /// Two keys and a certificate of the first, made with the openssl CLI in `folder`.
    static func certificateAndKeys(in folder: URL) throws {
        for name in ["gateway", "other"] {
            let key = try ChildProcess.run("/usr/bin/openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", folder.appendingPathComponent("\(name).key").path])
            #expect(key.status == 0, "\(key.errors)")
        }
        let certificate = try ChildProcess.run(
            "/usr/bin/openssl",
            ["req", "-x509", "-new", "-key", folder.appendingPathComponent("gateway.key").path, "-subj", "/CN=staged-rollout@rollout.example.org",
             "-days", "3650", "-out", folder.appendingPathComponent("gateway.pem").path])
        #expect(certificate.status == 0, "\(certificate.errors)")
    }

    static func configuration(in folder: URL, key: String, keyring: String? = nil) throws -> String {
        let path = try CLITests.configuration(in: folder, extra: keyring.map { "\ninbound:\n  openpgp:\n    keyring: \($0)\n" } ?? "")
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "outbox:\n",
            with: "outbox:\n  smime:\n    certificate: \(folder.path)/gateway.pem\n    key_file: \(folder.path)/\(key).key\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the gateway's own key: OK; another key or none readable: exit 78 naming outbox.smime")
    func outboxKey() throws {
        let folder = try CLITests.scratch()
        try Self.certificateAndKeys(in: folder)
        let matching = try CLITests.run(["config", "check", "-c", try Self.configuration(in: folder, key: "gateway")])
        #expect(matching.status == 0, "\(matching.stderr)")
        let other = try CLITests.run(["config", "check", "-c", try Self.configuration(in: folder, key: "other")])
        #expect(other.status == 78)
        #expect(other.stderr.contains("outbox.smime") && other.stderr.contains("does not belong to the certificate"), "\(other.stderr)")
        let missing = try CLITests.run(["config", "check", "-c", try Self.configuration(in: folder, key: "missing")])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("cannot be read"), "\(missing.stderr)")
    }

    @Test("an OpenPGP keyring that cannot be read is warned of; the check still passes")
    func unreadableKeyring() throws {
        let folder = try CLITests.scratch()
        try Self.certificateAndKeys(in: folder)
        let keyring = folder.appendingPathComponent("no-such-keyring.asc").path
        let result = try CLITests.run(["config", "check", "-c", try Self.configuration(in: folder, key: "gateway", keyring: keyring)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("warning: the gateway cannot read its OpenPGP keyring \(keyring) (inbound.openpgp.keyring)"), "\(result.stdout)")
    }
}
