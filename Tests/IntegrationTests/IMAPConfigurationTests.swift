import Foundation
import MailCurl
import Testing

/// IMAPConfiguration's checks and credential readers (no server needed).
@Suite("IMAP configuration")
struct IMAPConfigurationTests {
    static let credentials = IMAPCredentials(username: "gateway", password: "s3cret")

    @Test(
        "refused configurations say what is wrong",
        arguments: [
            ("imap://gateway:s3cret@127.0.0.1:143", IMAPConfiguration.STARTTLSPolicy.off, "must not contain credentials"),
            ("pop3://127.0.0.1", .off, "must start with imap://"),
            ("imap://127.0.0.1:143/INBOX", .off, "only imap://host:port"),
            ("imap://127.0.0.1:99999", .off, "invalid port"),
            ("imap://mail.example.org", .off, "unencrypted"),
            ("imap://mail.example.org", .opportunistic, "unencrypted"),
        ])
    func refused(url: String, startTLS: IMAPConfiguration.STARTTLSPolicy, expected: String) {
        #expect {
            _ = try IMAPConfiguration(url: url, startTLS: startTLS, credentials: Self.credentials)
        } throws: { error in
            let message = (error as? IMAPConfigurationError)?.message ?? ""
            return message.contains(expected) && !message.contains("s3cret")
        }
    }

    @Test("accepted: TLS anywhere, plaintext on loopback only; ports default by scheme")
    func accepted() throws {
        #expect(try IMAPConfiguration(url: "imaps://mail.example.org", credentials: Self.credentials).server == "imaps://mail.example.org:993")
        #expect(try IMAPConfiguration(url: "imap://mail.example.org", credentials: Self.credentials).server == "imap://mail.example.org:143")
        let local = try IMAPConfiguration(url: "imap://127.0.0.1:1143", startTLS: .off, credentials: Self.credentials)
        #expect(local.server == "imap://127.0.0.1:1143")
        #expect(local.connections == 2)
        #expect(local.verifyCertificates)
        #expect(local.processed == .folder("processed"))
    }

    @Test(
        "folders and keywords are checked",
        arguments: [
            (IMAPConfiguration.ProcessedMarker.folder("INBOX"), "quarantine", "cannot be INBOX"),
            (.folder("same"), "same", "must differ"),
            (.folder("with\"quote"), "quarantine", "quotes"),
            (.keyword("two words"), "quarantine", "atom"),
            (.keyword("\\Seen)"), "quarantine", "atom"),
            (.folder("processed"), "", "is empty"),
        ])
    func foldersChecked(processed: IMAPConfiguration.ProcessedMarker, quarantine: String, expected: String) {
        #expect {
            _ = try IMAPConfiguration(
                url: "imap://127.0.0.1", startTLS: .off, credentials: Self.credentials, processed: processed,
                quarantineFolder: quarantine)
        } throws: { error in
            (error as? IMAPConfigurationError)?.message.contains(expected) == true
        }
    }

    @Test("credentials come from a file (one or two lines) or from both environment variables")
    func credentialReaders() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("imap-credentials-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "gateway:pa:ss\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try IMAPConfiguration.credentials(fromFile: file.path) == IMAPCredentials(username: "gateway", password: "pa:ss"))
        try "gateway\npass word\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try IMAPConfiguration.credentials(fromFile: file.path) == IMAPCredentials(username: "gateway", password: "pass word"))
        #expect(
            try IMAPConfiguration.credentials(fromEnvironment: ["ROLLOUT_IMAP_USER": "u", "ROLLOUT_IMAP_PASSWORD": "p"])
                == IMAPCredentials(username: "u", password: "p"))
        #expect(try IMAPConfiguration.credentials(fromEnvironment: [:]) == nil)
        #expect(throws: IMAPConfigurationError.self) {
            _ = try IMAPConfiguration.credentials(fromEnvironment: ["ROLLOUT_IMAP_USER": "u"])
        }
        #expect(!"\(Self.credentials)".contains("s3cret"))
        #expect(!String(reflecting: Self.credentials).contains("s3cret"))
    }
}
