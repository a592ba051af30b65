import Foundation
import MailCurl
import Testing

/// SMTPConfiguration: URL forms, EHLO name, credentials from a file or the environment. No server needed.
@Suite("SMTP configuration")
struct SMTPConfigurationTests {
    @Test(
        "accepted URLs",
        arguments: [
            ("smtp://127.0.0.1:2525/gateway.example.org", "smtp://127.0.0.1:2525", "gateway.example.org"),
            ("smtp://mail.example.org", "smtp://mail.example.org:25", nil),
            ("smtps://mail.example.org/gw.example.org", "smtps://mail.example.org:465", "gw.example.org"),
            ("smtp://[::1]:2525/gw.example.org", "smtp://[::1]:2525", "gw.example.org"),
        ] as [(String, String, String?)])
    func acceptedURLs(url: String, server: String, ehloName: String?) throws {
        let configuration = try SMTPConfiguration(url: url, startTLS: .off)
        #expect(configuration.server == server)
        #expect(configuration.ehloName == ehloName)
        #expect(configuration.verifyCertificates, "certificates are verified unless turned off")
    }

    @Test(
        "refused URLs and combinations",
        arguments: [
            "http://mail.example.org", "smtp://user:secret@mail.example.org", "smtp://mail.example.org:0",
            "smtp://mail.example.org:99999", "smtp://:25", "smtp://mail.example.org/two words",
        ])
    func refusedURLs(url: String) {
        #expect(throws: SMTPConfigurationError.self) { try SMTPConfiguration(url: url) }
    }

    @Test("credentials are refused over a connection that may be unencrypted, except to loopback")
    func credentialsNeedTLS() throws {
        let credentials = SMTPCredentials(username: "gw", password: "secret")
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPConfiguration(url: "smtp://mail.example.org:587", startTLS: .opportunistic, credentials: credentials)
        }
        _ = try SMTPConfiguration(url: "smtp://mail.example.org:587", startTLS: .required, credentials: credentials)
        _ = try SMTPConfiguration(url: "smtps://mail.example.org", credentials: credentials)
        _ = try SMTPConfiguration(url: "smtp://127.0.0.1:25", startTLS: .off, credentials: credentials)
        #expect(!"\(credentials)".contains("secret"))
        #expect(!String(reflecting: credentials).contains("secret"))
    }

    @Test("credentials file: user:password on one line, or two lines", arguments: ["gw:s3:cret\n", "gw\ns3:cret\n", "gw:s3:cret"])
    func credentialsFile(content: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-credentials-\(UUID().uuidString)")
        try Data(content.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SMTPConfiguration.credentials(fromFile: url.path) == SMTPCredentials(username: "gw", password: "s3:cret"))
    }

    @Test("credentials file: other forms are refused", arguments: ["", "gw\n", "gw:\n", "a\nb\nc\n"])
    func credentialsFileRefused(content: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-credentials-\(UUID().uuidString)")
        try Data(content.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: SMTPConfigurationError.self) { try SMTPConfiguration.credentials(fromFile: url.path) }
    }

    @Test("credentials from the environment: both variables, neither, or an error")
    func credentialsEnvironment() throws {
        #expect(try SMTPConfiguration.credentials(fromEnvironment: [:]) == nil)
        #expect(
            try SMTPConfiguration.credentials(fromEnvironment: ["ROLLOUT_SMTP_USER": "gw", "ROLLOUT_SMTP_PASSWORD": "pw"])
                == SMTPCredentials(username: "gw", password: "pw"))
        #expect(throws: SMTPConfigurationError.self) {
            try SMTPConfiguration.credentials(fromEnvironment: ["ROLLOUT_SMTP_USER": "gw"])
        }
    }
}
