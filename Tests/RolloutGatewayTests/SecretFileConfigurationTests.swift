import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Reply-address secret files are checked when the configuration loads")
struct SecretFileConfigurationTests {
    /// A folder holding a configuration and the secret files it names.
    struct Folder {
        let path = NSTemporaryDirectory() + "rg-secrets-" + UUID().uuidString
        init() { try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        func write(_ name: String, _ bytes: [UInt8]) { FileManager.default.createFile(atPath: "\(path)/\(name)", contents: Data(bytes)) }
        func parse(_ secretLine: String) throws -> GatewayConfiguration {
            let text = testConfigurationText(store: "\(path)/x.sqlite", outbox: "\(path)/outbox")
                .replacingOccurrences(of: "  name: EGI Staged Rollout\n", with: "  name: EGI Staged Rollout\n  \(secretLine)\n")
            return try GatewayConfiguration.parse(text, file: "\(path)/gateway.yaml")
        }
        func failure(_ secretLine: String) -> ConfigurationError? {
            do {
                _ = try parse(secretLine)
                return nil
            } catch {
                return error as? ConfigurationError
            }
        }
    }

    @Test(
        "a missing, short, blank, one-byte or directory secret is a configuration error naming key and line",
        arguments: ["missing", "short", "blank", "repeated", "directory"])
    func refused(kind: String) throws {
        let folder = Folder()
        switch kind {
        case "short": folder.write("key", Array("0123456789".utf8))
        case "blank": folder.write("key", Array(repeating: 0x20, count: 40) + [0x0A])
        case "repeated": folder.write("key", Array(repeating: 0x41, count: 40))
        case "directory": try FileManager.default.createDirectory(atPath: "\(folder.path)/key", withIntermediateDirectories: true)
        default: break
        }
        let error = try #require(folder.failure("secret_file: key"))
        #expect(error.key == "gateway.secret_file")
        #expect(error.line == 4)
        let rotated = try #require(folder.failure("secret_files: [key]"))
        #expect(rotated.key == "gateway.secret_files")
    }

    @Test("secret_files: the first signs, all verify; secret_file still works; both together are refused")
    func rotation() throws {
        let folder = Folder()
        folder.write("new", (0..<32).map { UInt8($0) })
        folder.write("old", (0..<32).map { UInt8(255 - $0) })
        let configuration = try folder.parse("secret_files: [new, old]")
        #expect(configuration.secretFiles == ["\(folder.path)/new", "\(folder.path)/old"])
        let signer = try #require(try configuration.replyAddressSigner())
        let single = try #require(try folder.parse("secret_file: old").replyAddressSigner())
        let mario = EmailAddress("mario.david@lip.example.org")
        #expect(signer.read(single.address(for: TicketID(3), recipient: mario), sender: mario) == .person(TicketID(3), issuedToSender: true))
        #expect(folder.failure("secret_file: old\n  secret_files: [new]")?.key == "gateway.secret_files")
    }
}
