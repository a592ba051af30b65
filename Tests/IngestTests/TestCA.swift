import Foundation
import TestSupport

/// The signed-mail tests' PKI (issue 23), made once per test run by make-test-ca.sh with the openssl CLI, and
/// signing with `openssl cms -sign`. Every test fails, not skips, when openssl is missing.
struct TestCA: Sendable {
    /// `<folder>/certificates` is the CA directory (`inbound.smime.ca_dir`), `<folder>/people` the people's keys.
    let folder: String
    var certificates: String { folder + "/certificates" }

    static let shared: Result<TestCA, TestCAError> = made(by: "make-test-ca.sh", in: "rollout-test-ca-").map(TestCA.init)

    /// A fresh folder named `prefix…` under the temporary directory, filled by the script Tests/IngestTests/`script`.
    static func made(by script: String, in prefix: String) -> Result<String, TestCAError> {
        let folder = NSTemporaryDirectory() + prefix + UUID().uuidString
        let path = repository.appendingPathComponent("Tests/IngestTests/\(script)").path
        do throws(TestCAError) {
            try run("/bin/bash", [path, folder])
            return .success(folder)
        } catch {
            return .failure(error)
        }
    }

    /// The shared PKI, or the reason it could not be made (which fails the test).
    static func make() throws -> TestCA { try shared.get() }

    /// A detached signature (DER) by `person` over exactly `content` (`-binary`: no canonicalisation by openssl).
    func detachedSignature(of content: [UInt8], by person: String) throws -> [UInt8] {
        try Self.run("/usr/bin/openssl", signing(person) + ["-binary", "-outform", "DER"], input: content)
    }

    /// What `openssl cms -sign` writes as S/MIME: a `multipart/signed` entity (or, `opaque`, an
    /// `application/pkcs7-mime; smime-type=signed-data` one) with its MIME-Version and Content-Type header fields.
    func smimeEntity(of content: [UInt8], by person: String, opaque: Bool = false) throws -> [UInt8] {
        try Self.run("/usr/bin/openssl", signing(person) + (opaque ? ["-nodetach"] : []) + ["-outform", "SMIME"], input: content)
    }

    private func signing(_ person: String) -> [String] {
        [
            "cms", "-sign", "-signer", "\(folder)/people/\(person).pem", "-inkey", "\(folder)/people/\(person).key",
            "-certfile", "\(folder)/people/inter.pem",
        ]
    }

    /// Runs `program` (through TestSupport's ``ChildProcess``), with `input` in a file named by `-in`.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: [UInt8]? = nil) throws(TestCAError) -> [UInt8] {
        let inputPath = NSTemporaryDirectory() + "test-ca-input-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: inputPath) }
        if let input { FileManager.default.createFile(atPath: inputPath, contents: Data(input)) }
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(program, arguments + (input == nil ? [] : ["-in", inputPath]))
        } catch {
            throw TestCAError(message: "\(program) cannot be started (\(error)); install openssl (scripts/install-deps.sh --test)")
        }
        guard result.status == 0 else {
            throw TestCAError(message: "\(program) \(arguments.joined(separator: " ")) failed: \(result.errors)")
        }
        return [UInt8](result.output)
    }
}

struct TestCAError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
