import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Configuration: inbound.smime and signature in inbound.strong_by (issue 23)")
struct SMIMEConfigurationTests {
    let valid = testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox")

    func parse(_ inbound: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(valid + "\ninbound:\n" + inbound, file: "/etc/rollout-gateway/gateway.yaml")
    }

    func problem(_ inbound: String) -> ConfigurationError? {
        do {
            _ = try parse(inbound)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test("by default: token and signature make strong, the IGTF directory, classic/mics/slcs, CRLs checked when there")
    func defaults() throws {
        let configuration = try GatewayConfiguration.parse(valid, file: "/etc/rollout-gateway/gateway.yaml")
        #expect(configuration.strongBases == [.token, .signature])
        #expect(configuration.smime == SMIMESettings(caDirectory: "/etc/grid-security/certificates", profiles: ["classic", "mics", "slcs"], requireCRL: false))
        #expect(configuration.warnings.allSatisfy { !$0.contains("signature") })
    }

    @Test("config check warns when require_crl is false and the CA directory holds no *.r0 CRL")
    func crlWarning() throws {
        let configuration = try GatewayConfiguration.parse(valid, file: "/etc/rollout-gateway/gateway.yaml")
        let warned = configuration.smimeCRLWarnings(caDirectoryListing: ["1a2b3c4d.0", "1a2b3c4d.signing_policy"])
        #expect(warned.count == 1 && warned[0].contains("holds no CRL (*.r0)") && warned[0].contains("revoked"))
        #expect(configuration.smimeCRLWarnings(caDirectoryListing: ["1a2b3c4d.0", "1a2b3c4d.r0"]).isEmpty)
        #expect(configuration.smimeCRLWarnings(caDirectoryListing: nil).isEmpty)
        let required = try parse("  smime:\n    require_crl: true\n")
        #expect(required.smimeCRLWarnings(caDirectoryListing: []).isEmpty)
    }

    @Test("every setting read; a relative directory is taken from the configuration's folder; DNs map to addresses")
    func settings() throws {
        let configuration = try parse(
            "  strong_by: [signature]\n  smime:\n    ca_dir: certificates\n    profiles: [classic, iota]\n    require_crl: true\n"
                + "    people:\n      \"/C=NL/O=Test Grid/CN=Robot\": Mario.David@lip.example.org\n")
        #expect(configuration.strongBases == [.signature])
        #expect(configuration.smime.caDirectory == "/etc/rollout-gateway/certificates")
        #expect(configuration.smime.profiles == ["classic", "iota"] && configuration.smime.requireCRL)
        #expect(configuration.smime.people == ["/C=NL/O=Test Grid/CN=Robot": EmailAddress("mario.david@lip.example.org")])
    }

    @Test(
        "bad values name their key",
        arguments: [
            ("  smime:\n    profiles: [\"../etc\"]\n", "inbound.smime.profiles.0", "is no IGTF profile name"),
            ("  smime:\n    people:\n      \"CN=Robot\": a@example.org\n", "inbound.smime.people.CN=Robot", "is no subject DN"),
            ("  smime:\n    people:\n      \"/CN=Robot\": nobody\n", "inbound.smime.people./CN=Robot", "is not an e-mail address"),
            ("  smime:\n    crl: true\n", "inbound.smime.crl", "unknown key 'crl'"),
            ("  strong_by: [certificate]\n", "inbound.strong_by.0", "expected token, dkim, dmarc or signature"),
        ])
    func badValues(inbound: String, key: String, expected: String) throws {
        let error = try #require(problem(inbound))
        #expect(error.key == key)
        #expect(error.problem.contains(expected), "\(error.problem)")
    }
}
