import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Configuration: inbound.openpgp and outbox.smime (issue 23)")
struct SigningConfigurationTests {
    let valid = testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox")

    func parse(_ extra: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(valid + extra, file: "/etc/rollout-gateway/gateway.yaml")
    }

    @Test("by default: no OpenPGP keyring (such mail counts as unsigned) and the gateway's mail unsigned")
    func defaults() throws {
        let configuration = try parse("")
        #expect(configuration.openpgp == nil && configuration.outboxSigning == nil)
    }

    @Test("paths are taken from the configuration's folder")
    func settings() throws {
        let configuration = try parse("\ninbound:\n  openpgp:\n    keyring: keys/managers.asc\n")
        #expect(configuration.openpgp == OpenPGPSettings(keyring: "/etc/rollout-gateway/keys/managers.asc"))
        let text = valid.replacingOccurrences(of: "outbox:\n", with: "outbox:\n  smime:\n    certificate: gateway.pem\n    key_file: /etc/ssl/private/gateway.key\n")
        #expect(text != valid, "the test configuration has an outbox section")
        let signing = try GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml")
        #expect(signing.outboxSigning == OutboxSigningSettings(certificate: "/etc/rollout-gateway/gateway.pem", keyFile: "/etc/ssl/private/gateway.key"))
    }

    @Test(
        "bad values name their key",
        arguments: [
            ("\ninbound:\n  openpgp:\n    keyring: \"\"\n", "inbound.openpgp.keyring", "the keyring path is empty"),
            ("\ninbound:\n  openpgp:\n    keyserver: hkps://keys.openpgp.org\n", "inbound.openpgp.keyserver", "unknown key 'keyserver'"),
        ])
    func badValues(extra: String, key: String, expected: String) throws {
        let error = #expect(throws: ConfigurationError.self) { try parse(extra) }
        #expect(error?.key == key)
        #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
    }
}
