import Foundation
import TestSupport
import Testing

/// What the README's deployment section tells an operator, checked against what the gateway and systemd do.
@Suite("Deployment as the README tells it: internal_hosts on a real header chain, the systemd drop-in for key rotation")
struct DeploymentTests {
    static let chain = CLITests.repository.appendingPathComponent("fixtures/deployment/postfix-opendkim-dovecot-lmtp.eml")
    static let readme = CLITests.repository.appendingPathComponent("README.md")

    /// What `explain --no-store` prints for the example chain with this `inbound:` section.
    static func explain(inbound: String) throws -> String {
        let folder = try CLITests.scratch()
        let config = try CLITests.configuration(in: folder, extra: "\ninbound:\n  trusted_authserv_ids: [mx.rollout.example.org]\n" + inbound)
        let result = try CLITests.run(["explain", "--no-store", "-c", config, chain.path])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// The `came in at:` line of ``explain(inbound:)``.
    static func boundary(inbound: String) throws -> String {
        let output = try explain(inbound: inbound)
        return try #require(output.split(separator: "\n").first { $0.hasPrefix("came in at: ") }.map(String.init), "\(output)")
    }

    @Test("Postfix + OpenDKIM + Dovecot LMTP: explain names the IMAP server, then the MTA's address, then finds Postfix's hop as Received #2")
    func internalHostsAdvice() throws {
        // Nothing listed: the top line is Dovecot's, and explain says to list the IMAP server (not the MTA).
        let bare = try Self.boundary(inbound: "")
        #expect(bare.contains("Received #1: received by imap.rollout.example.org, which is not one of our hosts; nothing counts"))
        #expect(bare.contains("add imap.rollout.example.org to inbound.internal_hosts"))
        // The MTA's name, as the README used to suggest, changes nothing.
        #expect(try Self.boundary(inbound: "  internal_hosts: [mx.rollout.example.org]\n") == bare)
        // The IMAP server listed: LMTP over TCP from an address not listed; explain names the MTA's address.
        let imapOnly = try Self.boundary(inbound: "  internal_hosts: [imap.rollout.example.org]\n")
        #expect(imapOnly.contains("Received #1: imap.rollout.example.org took it from"))
        #expect(imapOnly.contains("if 10.1.2.3 is your MTA, add 10.1.2.3 to inbound.internal_hosts"))
        // Both, as the README's example: Postfix's hop is the boundary, numbered among Received lines only (the
        // Authentication-Results field between them does not count: it would be #3 by position).
        let both = try Self.boundary(inbound: "  internal_hosts: [imap.rollout.example.org, 10.1.2.3]\n")
        #expect(both.hasPrefix("came in at: Received #2: mx.rollout.example.org took it from"))
        #expect(both.contains("192.0.2.63"))
        #expect(!both.contains("internal_hosts"))
        // OpenDKIM's field now counts; with only the IMAP server listed it did not.
        #expect(try Self.explain(inbound: "  internal_hosts: [imap.rollout.example.org, 10.1.2.3]\n").contains("mx.rollout.example.org: dkim=pass"))
        #expect(!(try Self.explain(inbound: "  internal_hosts: [imap.rollout.example.org]\n").contains("mx.rollout.example.org: dkim=pass")))
    }

    @Test("the README shows the same chain and the same internal_hosts as the test above")
    func readmeShowsTheChain() throws {
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let chain = try String(contentsOf: Self.chain, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        for line in chain.split(separator: "\n") where line.hasPrefix("Received: ") || line.hasPrefix("\tby ") {
            #expect(readme.contains(line), "README lacks the chain's line: \(line)")
        }
        #expect(readme.contains("  internal_hosts: [imap.rollout.example.org, 10.1.2.3]"))
        #expect(readme.contains("  trusted_authserv_ids: [mx.rollout.example.org]"))
    }

    /// The unit, the timer and the drop-in as installed, in a scratch folder (ExecStart naming the built binary,
    /// which `verify` requires to exist), checked by `systemd-analyze verify`.
    static func verify(dropIn: String) throws -> CLITests.Result {
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is missing: scripts/install-deps.sh --test installs systemd")
        let folder = try CLITests.scratch()
        let systemd = CLITests.repository.appendingPathComponent("systemd")
        let unit = try String(contentsOf: systemd.appendingPathComponent("rollout-gateway.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/rollout-gateway "))
        try unit.replacingOccurrences(of: "ExecStart=/usr/local/bin/rollout-gateway ", with: "ExecStart=\(CLITests.binary) ")
            .write(to: folder.appendingPathComponent("rollout-gateway.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: systemd.appendingPathComponent("rollout-gateway.timer"), to: folder.appendingPathComponent("rollout-gateway.timer"))
        let drops = folder.appendingPathComponent("rollout-gateway.service.d")
        try FileManager.default.createDirectory(at: drops, withIntermediateDirectories: true)
        try dropIn.write(to: drops.appendingPathComponent("reply-keys.conf"), atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(
            analyze, ["verify", "--man=no", folder.appendingPathComponent("rollout-gateway.service").path,
                      folder.appendingPathComponent("rollout-gateway.timer").path])
        return CLITests.Result(status: result.status, stdout: String(decoding: result.output, as: UTF8.self), stderr: result.errors)
    }

    @Test("systemd-analyze verify accepts the unit with the key-rotation drop-in, without a warning; a mistake in the drop-in is reported")
    func systemdDropIn() throws {
        let dropIn = try String(contentsOf: CLITests.repository.appendingPathComponent("systemd/drop-ins/reply-keys.conf"), encoding: .utf8)
        let clean = try Self.verify(dropIn: dropIn)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stderr.isEmpty, "\(clean.stderr)")
        // The control: the drop-in is read (a misspelt key in it is named).
        let misspelt = try Self.verify(dropIn: dropIn + "LoadCredentials=reply-key-2025:/etc/rollout-gateway/credentials/reply-key-2025\n")
        #expect(misspelt.stderr.contains("reply-keys.conf"))
        #expect(misspelt.stderr.contains("LoadCredentials"))
        // Each key the drop-in loads is named in secret_files by its $CREDENTIALS_DIRECTORY path, in the drop-in's
        // own comment and in the README.
        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let names = dropIn.split(separator: "\n").filter { $0.hasPrefix("LoadCredential=") }
            .compactMap { $0.dropFirst("LoadCredential=".count).split(separator: ":").first.map(String.init) }
        #expect(names == ["reply-key-2027", "reply-key-2026"])
        for name in names {
            let path = "/run/credentials/rollout-gateway.service/\(name)"
            #expect(dropIn.contains("- \(path)"))
            #expect(readme.contains("- \(path)"), "README's secret_files lacks \(path)")
            #expect(readme.contains("LoadCredential=\(name):/etc/rollout-gateway/credentials/\(name)"))
        }
    }
}
