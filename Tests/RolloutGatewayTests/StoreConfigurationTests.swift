import Foundation
import RolloutGateway
import Testing

/// `store`: exactly one of sqlite and postgresql; a PostgreSQL URL without a password; TLS settings.
@Suite("Configuration of the store")
struct StoreConfigurationTests {
    /// The test configuration with its `store:` block replaced by `store` (indented by two spaces per line).
    func text(store: String) -> String {
        testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox")
            .replacingOccurrences(of: "store:\n  sqlite: /tmp/x.sqlite\n", with: "store:\n\(store)\n")
    }

    func parse(_ text: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml")
    }

    func failure(_ text: String) -> ConfigurationError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    /// The 1-based line of the first line of `text` that contains `needle`.
    func line(of needle: String, in text: String) -> Int? {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }

    @Test("a PostgreSQL store: URL parts, password file beside the configuration, TLS required by default")
    func postgresql() throws {
        let configuration = try parse(text(store: "  postgresql:\n    url: postgresql://rollout@db.example.org:5433/gateway\n    password_file: secrets/db"))
        #expect(
            configuration.store
                == .postgresql(
                    PostgreSQLSettings(
                        host: "db.example.org", port: 5433, user: "rollout", database: "gateway", passwordFile: "/etc/rollout-gateway/secrets/db",
                        tls: .require, caFile: nil, claimSeconds: 300, connections: 4)))
        #expect(configuration.storePath == "")
        let defaults = try parse(text(store: "  postgresql:\n    url: postgres://gw@db/rollout\n    tls: prefer\n    ca_file: /etc/ssl/private-ca.pem"))
        guard case .postgresql(let settings) = defaults.store else { Issue.record("not PostgreSQL"); return }
        #expect(settings.port == 5432)
        #expect(settings.tls == .prefer)
        #expect(settings.caFile == "/etc/ssl/private-ca.pem")
    }

    @Test("store.sqlite_map_mib bounds the mapped part of the SQLite file: 256 MiB by default, 0 for none; PostgreSQL refuses it")
    func sqliteMap() throws {
        #expect(try parse(text(store: "  sqlite: /tmp/x.sqlite")).sqliteMapBytes == 256 << 20)
        #expect(try parse(text(store: "  sqlite: /tmp/x.sqlite\n  sqlite_map_mib: 32")).sqliteMapBytes == 32 << 20)
        #expect(try parse(text(store: "  sqlite: /tmp/x.sqlite\n  sqlite_map_mib: 0")).sqliteMapBytes == 0)
        #expect(failure(text(store: "  sqlite: /tmp/x.sqlite\n  sqlite_map_mib: -1"))?.key == "store.sqlite_map_mib")
        #expect(failure(text(store: "  postgresql:\n    url: postgres://gw@db/rollout\n  sqlite_map_mib: 8"))?.key == "store.sqlite_map_mib")
    }

    @Test("a password in the URL is refused, naming the key and line, without repeating the password")
    func passwordInURL() throws {
        let text = text(store: "  postgresql:\n    url: postgresql://rollout:s3cret@db.example.org/gateway")
        let error = try #require(failure(text))
        #expect(error.key == "store.postgresql.url")
        #expect(error.line == line(of: "url: postgresql://", in: text))
        #expect(error.problem.contains("password"))
        #expect(!error.description.contains("s3cret"))
    }

    @Test("both stores, or neither, is a configuration error with key and line")
    func exactlyOne() throws {
        let both = text(store: "  sqlite: /tmp/x.sqlite\n  postgresql:\n    url: postgresql://rollout@db/gateway")
        let error = try #require(failure(both))
        #expect(error.key == "store.postgresql")
        #expect(error.line == line(of: "  postgresql:", in: both))
        #expect(error.problem.contains("exactly one"))

        let neither = text(store: "  {}")
        let none = try #require(failure(neither))
        #expect(none.key == "store")
        #expect(none.line == line(of: "store:", in: neither))
    }

    @Test("a TLS mode other than require, prefer or disable, and a URL without user or database, are refused")
    func badSettings() throws {
        let tls = try #require(failure(text(store: "  postgresql:\n    url: postgresql://rollout@db/gateway\n    tls: maybe")))
        #expect(tls.key == "store.postgresql.tls")
        #expect(tls.problem.contains("require, prefer or disable"))
        #expect(try #require(failure(text(store: "  postgresql:\n    url: postgresql://db/gateway"))).problem.contains("no user"))
        #expect(try #require(failure(text(store: "  postgresql:\n    url: postgresql://rollout@db"))).problem.contains("no database"))
        #expect(try #require(failure(text(store: "  postgresql:\n    url: mysql://rollout@db/gateway"))).key == "store.postgresql.url")
    }

    @Test("the password comes from its file's first line, else from ROLLOUT_STORE_PASSWORD")
    func password() throws {
        let file = NSTemporaryDirectory() + "rollout-pw-\(UUID().uuidString)"
        try "from-file\nignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var settings = PostgreSQLSettings(host: "db", user: "u", database: "d", passwordFile: file)
        #expect(try settings.password(environment: ["ROLLOUT_STORE_PASSWORD": "from-env"]) == "from-file")
        settings.passwordFile = nil
        #expect(try settings.password(environment: ["ROLLOUT_STORE_PASSWORD": "from-env"]) == "from-env")
        #expect(try settings.password(environment: [:]) == nil)
        settings.passwordFile = file + ".missing"
        #expect(throws: PostgreSQLSettings.URLProblem.self) { try settings.password(environment: [:]) }
    }
}
