import Foundation
import Testing

/// People from the SSO directory (issue 22) against a real slapd loaded with an EGI Check-in-shaped LDIF, through
/// the command line as an operator and cron run it. Each test has its own slapd (it changes or stops it).
@Suite("People from the directory: a real slapd, the command line")
struct DirectoryTests {
    /// A scratch configuration: the demo's, its EMI managers also from the `staged-rollout` group, the release
    /// managers also from `sw-rel-sr`, merged with the directory at `server`.
    static func configuration(
        _ server: SlapdServer, in folder: URL, password: String = SlapdServer.bindPassword, extra: String = ""
    ) throws -> String {
        let passwordFile = folder.appendingPathComponent("ldap-password")
        try (password + "\n").write(to: passwordFile, atomically: true, encoding: .utf8)
        let path = try CLITests.configuration(
            in: folder,
            extra: """

                directory:
                  url: \(server.url)
                  bind_dn: \(SlapdServer.bindDN)
                  password_file: \(passwordFile.path)
                  base_dn: \(SlapdServer.baseDN)
                  release_managers_group: sw-rel-sr
                \(extra)
                """)
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "    managers: [mario.david@lip.example.org, joao.pina@lip.example.org]\n",
            with: "    managers: [mario.david@lip.example.org, joao.pina@lip.example.org]\n    managers_group: staged-rollout\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A staged and assigned EMI rollout (ticket 2), assigned by `manager`.
    static func stagedRollout(_ config: String, _ folder: URL, assign teams: String, as manager: String) throws {
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        let created = try CLITests.run(
            ["release", "new", "-c", config, "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"],
            environment: hooks)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try CLITests.run(["release", "stage", "-c", config, "1"], environment: hooks).status == 0)
        let assigned = try CLITests.run(["apply", "-c", config, "--ticket", "2", "--as", manager, "assign \(teams)"])
        #expect(assigned.status == 0, "\(assigned.stdout)\(assigned.stderr)")
    }

    static func accept(_ config: String, _ team: String, as sender: String) throws -> CLITests.Result {
        try CLITests.run(["apply", "-c", config, "--ticket", "2", "--as", sender, "accept \(team)"])
    }

    @Test("teams, managers and release managers found; any address of a person counts; notifications go to the first")
    func teamsAndManagersFound() throws {
        let server = try SlapdServer()
        defer { server.stop(removing: true) }
        let folder = try CLITests.scratch()
        let config = try Self.configuration(server, in: folder)

        let sync = try CLITests.run(["directory", "sync", "-c", config])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("team-created\tea-NGI_IT-INFN-T1"))
        #expect(sync.stdout.contains("member-added\tea-NGI_IT-INFN-T1 chiara.rossi@cnaf.example.org (0a1b2c@egi.eu)"))
        #expect(sync.stdout.contains("directory: 6 people, 3 teams; 6 changes stored"))
        let show = try CLITests.run(["directory", "show", "-c", config])
        #expect(show.status == 0)
        #expect(show.stdout.contains("snapshot taken "))
        #expect(show.stdout.contains("team ea-NGI_IT-INFN-T1: chiara.rossi@cnaf.example.org c.rossi@infn.example.org"))
        #expect(show.stdout.contains("group staged-rollout: ines.costa@lip.example.org icosta@lip.example.org"))
        #expect(show.stdout.contains("group sw-rel-sr: tom.release@egi.example.org"))

        // A manager by the directory's group, writing from her second address, assigns; a member from his second.
        try Self.stagedRollout(config, folder, assign: "NGI_IT-INFN-T1", as: "icosta@lip.example.org")
        let accepted = try Self.accept(config, "NGI_IT-INFN-T1", as: "c.rossi@infn.example.org")
        #expect(accepted.status == 0, "\(accepted.stdout)")
        // A stranger stays refused (the control case).
        #expect(try Self.accept(config, "NGI_IT-INFN-T1", as: "giulia.bianchi@cnaf.example.org").status == 65)

        // The team's notification went to the person's first address only, beside the configured members.
        #expect(try CLITests.run(["send", "-c", config]).status == 0)
        let outbox = folder.appendingPathComponent("outbox/new")
        let messages = try FileManager.default.contentsOfDirectory(atPath: outbox.path).map {
            try String(contentsOf: outbox.appendingPathComponent($0), encoding: .utf8)
        }
        let invitations = messages.filter { $0.contains("] Please test ") }
        #expect(invitations.contains { Self.recipients($0).contains("chiara.rossi@cnaf.example.org") })
        #expect(invitations.contains { Self.recipients($0).contains("paolo.veronesi@cnaf.example.org") })
        #expect(!invitations.contains { Self.recipients($0).contains("c.rossi@infn.example.org") })
    }

    /// The To and Cc header lines of a message.
    static func recipients(_ message: String) -> String {
        // (CRLF is one Character: split on newlines, not on "\n".)
        message.split(separator: "\r\n\r\n", maxSplits: 1).first.map(String.init)?.split(whereSeparator: \.isNewline)
            .filter { $0.lowercased().hasPrefix("to:") || $0.lowercased().hasPrefix("cc:") }.joined(separator: "\n") ?? ""
    }

    @Test("a member added in LDAP can accept after the next sync; a removed one is refused")
    func addedAndRemoved() throws {
        let server = try SlapdServer()
        defer { server.stop(removing: true) }
        let folder = try CLITests.scratch()
        let config = try Self.configuration(server, in: folder)
        #expect(try CLITests.run(["directory", "sync", "-c", config]).status == 0)
        try Self.stagedRollout(config, folder, assign: "NGI_IT-INFN-T1", as: "mario.david@lip.example.org")
        #expect(try Self.accept(config, "NGI_IT-INFN-T1", as: "giulia.bianchi@cnaf.example.org").status == 65)

        try server.modify(
            """
            dn: \(SlapdServer.group("ea-NGI_IT-INFN-T1"))
            changetype: modify
            add: member
            member: \(SlapdServer.person("3d4e5f@egi.eu"))
            -
            delete: member
            member: \(SlapdServer.person("0a1b2c@egi.eu"))

            """)
        // Not before the sync: the snapshot decides.
        #expect(try Self.accept(config, "NGI_IT-INFN-T1", as: "giulia.bianchi@cnaf.example.org").status == 65)
        let sync = try CLITests.run(["directory", "sync", "-c", config])
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("member-added\tea-NGI_IT-INFN-T1 giulia.bianchi@cnaf.example.org (3d4e5f@egi.eu)"))
        #expect(sync.stdout.contains("member-removed\tea-NGI_IT-INFN-T1 chiara.rossi@cnaf.example.org (0a1b2c@egi.eu)"))
        let removed = try Self.accept(config, "NGI_IT-INFN-T1", as: "chiara.rossi@cnaf.example.org")
        #expect(removed.status == 65, "\(removed.stdout)")
        #expect(try Self.accept(config, "NGI_IT-INFN-T1", as: "c.rossi@infn.example.org").status == 65)
        let added = try Self.accept(config, "NGI_IT-INFN-T1", as: "giulia.bianchi@cnaf.example.org")
        #expect(added.status == 0, "\(added.stdout)")
        // The changes are history, with their time.
        let show = try CLITests.run(["directory", "show", "-c", config])
        #expect(show.stdout.contains("member-removed\tea-NGI_IT-INFN-T1 chiara.rossi@cnaf.example.org"))
    }

    @Test("slapd stopped: directory sync exits 75, the last snapshot stays in force; run logs it once and counts it")
    func directoryDown() throws {
        let server = try SlapdServer()
        defer { server.stop(removing: true) }
        let folder = try CLITests.scratch()
        let metrics = folder.appendingPathComponent("rollout_gateway.prom").path
        let config = try Self.configuration(server, in: folder, extra: "\nmetrics:\n  textfile: \(metrics)\n")
        #expect(try CLITests.run(["directory", "sync", "-c", config]).status == 0)
        let directoryMetrics = folder.appendingPathComponent("rollout_gateway_directory.prom").path
        #expect(try String(contentsOfFile: directoryMetrics, encoding: .utf8).contains("rollout_gateway_directory_sync_ok 1"))
        server.stop()

        let down = try CLITests.run(["directory", "sync", "-c", config])
        #expect(down.status == 75, "\(down.stderr)")
        #expect(down.stderr.contains("the directory is unavailable"))
        #expect(try String(contentsOfFile: directoryMetrics, encoding: .utf8).contains("rollout_gateway_directory_sync_ok 0"))
        let show = try CLITests.run(["directory", "show", "-c", config])
        #expect(show.stdout.contains("team ea-NGI_IT-INFN-T1: chiara.rossi@cnaf.example.org"))
        // Decisions read the last snapshot.
        try Self.stagedRollout(config, folder, assign: "NGI_IT-INFN-T1", as: "ines.costa@lip.example.org")
        #expect(try Self.accept(config, "NGI_IT-INFN-T1", as: "chiara.rossi@cnaf.example.org").status == 0)
        // run, once the snapshot is older than refresh_minutes: one log line, the run itself goes on.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
        let run = try CLITests.run(["run", "-c", config, "--now", later])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "directory sync failed").count == 2)
        #expect(run.stderr.contains("run done"))
    }

    @Test("a refused bind exits 78 naming directory.password_file; a bad filter 78 naming directory.team_filter")
    func refusedConfiguration() throws {
        let server = try SlapdServer()
        defer { server.stop(removing: true) }
        let folder = try CLITests.scratch()
        let wrong = try Self.configuration(server, in: folder, password: "not-the-password")
        let refused = try CLITests.run(["directory", "sync", "-c", wrong])
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("directory.password_file"))
        #expect(!refused.stderr.contains("not-the-password"))
        #expect(try CLITests.run(["directory", "show", "-c", wrong]).stdout.contains("no snapshot yet"))

        let badFilter = try Self.configuration(server, in: folder, extra: "  team_filter: \"(&(cn=ea-*)\"\n")
        let filter = try CLITests.run(["directory", "sync", "-c", badFilter])
        #expect(filter.status == 78, "\(filter.stderr)")
        #expect(filter.stderr.contains("directory.team_filter"))
        // The control case: the right password and the default filter are read.
        #expect(try CLITests.run(["directory", "sync", "-c", Self.configuration(server, in: folder)]).status == 0)
    }

    @Test("a sync removing more than max_removed_share is refused until --force; a vanished assigned team is reported")
    func massRemovalGuard() throws {
        let server = try SlapdServer()
        defer { server.stop(removing: true) }
        let folder = try CLITests.scratch()
        let config = try Self.configuration(server, in: folder)
        #expect(try CLITests.run(["directory", "sync", "-c", config]).status == 0)
        try Self.stagedRollout(config, folder, assign: "NGI_PL-CYFRONET-LCG2", as: "mario.david@lip.example.org")
        // Two of the three directory teams go (two of three members).
        try server.modify(
            """
            dn: \(SlapdServer.group("ea-NGI_DE-FZK-LCG2"))
            changetype: delete

            dn: \(SlapdServer.group("ea-NGI_PL-CYFRONET-LCG2"))
            changetype: delete

            """)
        let refused = try CLITests.run(["directory", "sync", "-c", config])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("would remove 2 of 3 team members"))
        #expect(try CLITests.run(["directory", "show", "-c", config]).stdout.contains("team ea-NGI_PL-CYFRONET-LCG2: anna.kowalska@cyfronet.example.org"))
        #expect(try Self.accept(config, "NGI_PL-CYFRONET-LCG2", as: "anna.kowalska@cyfronet.example.org").status == 0)

        let forced = try CLITests.run(["directory", "sync", "-c", config, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("team-gone\tea-NGI_PL-CYFRONET-LCG2"))
        // One copy to each EMI manager: the two of the file and the one of the group.
        #expect(forced.stdout.contains("3 notifications queued"))
        let ticket = try CLITests.run(["tickets", "show", "2", "--json", "-c", config])
        #expect(ticket.stdout.contains("directory.team-gone"))
        #expect(!(try CLITests.run(["directory", "show", "-c", config]).stdout.contains("team ea-NGI_PL-CYFRONET-LCG2")))
    }
}
