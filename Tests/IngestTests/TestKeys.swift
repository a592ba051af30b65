import Foundation
import Synchronization
import TestSupport

/// The OpenPGP signed-mail tests' keys (issue 23), made once per test run by make-test-keys.sh with the gpg CLI,
/// and signing with `gpg --detach-sign`. Every test fails, not skips, when gpg is missing.
struct TestKeys: Sendable {
    /// `<folder>/keyring.asc` is the operator's keyring, `<folder>/signing` the GnuPG home with the secret keys.
    let folder: String
    var keyring: String { folder + "/keyring.asc" }

    static let shared: Result<TestKeys, TestCAError> = TestCA.made(by: "make-test-keys.sh", in: "rollout-test-keys-").map(TestKeys.init)

    /// The shared keys, or the reason they could not be made (which fails the test).
    static func make() throws -> TestKeys { try shared.get() }

    /// The fingerprint of `person`'s key (manager, colleague, stranger, expired, revoked, robot).
    func fingerprint(_ person: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(person).fpr") else {
            throw TestCAError(message: "no test key \(person) in \(folder)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An armored detached signature by `person` over exactly `content` (binary: no canonicalisation by gpg), made
    /// on the morning of the tests' day — the expired key's in January 2025, while it was valid.
    /// One signature at a time, and gpg's agent stopped after each: no test run leaves a gpg-agent behind.
    func detachedSignature(of content: [UInt8], by person: String) throws -> [UInt8] {
        let input = NSTemporaryDirectory() + "test-keys-input-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: input) }
        FileManager.default.createFile(atPath: input, contents: Data(content))
        let time = person == "expired" ? "20250110T120000!" : "20251201T080000!"
        let arguments = [
            "--homedir", folder + "/signing", "--batch", "--quiet", "--no-tty", "--faked-system-time", time,
            "--local-user", try fingerprint(person), "--armor", "--output", "-", "--detach-sign", input,
        ]
        return try Self.signing.withLock { _ throws(TestCAError) in
            defer { _ = try? TestCA.run("/usr/bin/gpgconf", ["--homedir", folder + "/signing", "--kill", "gpg-agent"]) }
            return try TestCA.run("/usr/bin/gpg", arguments)
        }
    }

    private static let signing = Mutex(())
}
