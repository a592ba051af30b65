import Foundation
import Testing

/// The signed-mail tests' PKI (issue 23), made once per test run by make-test-ca.sh with the openssl CLI, and
/// signing with `openssl cms -sign`. Every test fails, not skips, when openssl is missing.
struct TestCA: Sendable {
    /// `<folder>/certificates` is the CA directory (`inbound.smime.ca_dir`), `<folder>/people` the people's keys.
    let folder: String
    var certificates: String { folder + "/certificates" }

    static let shared: Result<TestCA, TestCAError> = {
        let folder = NSTemporaryDirectory() + "rollout-test-ca-" + UUID().uuidString
        let script = repository.appendingPathComponent("Tests/IngestTests/make-test-ca.sh").path
        do throws(TestCAError) {
            try run("/bin/bash", [script, folder])
            return .success(TestCA(folder: folder))
        } catch {
            return .failure(error)
        }
    }()

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

    @discardableResult
    static func run(_ program: String, _ arguments: [String], input: [UInt8] = []) throws(TestCAError) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw TestCAError(message: "\(program) cannot be started (\(error)); install openssl (scripts/install-deps.sh --test)")
        }
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestCAError(message: "\(program) \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return [UInt8](output)
    }
}

struct TestCAError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
