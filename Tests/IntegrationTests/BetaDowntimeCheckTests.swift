import Foundation
import Testing

/// Step 5 with GOCDB configured (issue 22 part 2): the command line as cron runs it, against the GOCDB stand-in.
@Suite("Beta downtimes from GOCDB, end to end")
struct BetaDowntimeCheckTests {
    /// Monday 2026-11-30 10:00 in Amsterdam: the stand-in's "now".
    static let monday = Date(timeIntervalSince1970: 1_796_029_200)

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    struct Team: Decodable {
        var team: String
        var downtime: Bool
    }
    struct History: Decodable {
        var cause: String
        var action: String
        var detail: String
    }
    struct Timer: Decodable {
        var kind: String
        var dueAt: String
    }
    struct Shown: Decodable {
        var teams: [Team]
        var history: [History]
        var timers: [Timer]
    }

    static func show(_ config: String, at now: Date) throws -> Shown {
        let shown = try CLITests.run(["tickets", "show", "2", "--json", "--config", config, "--now", iso(now)])
        #expect(shown.status == 0, "\(shown.stderr)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Shown.self, from: Data(shown.stdout.utf8))
    }

    static func downtime(_ shown: Shown, _ team: String) -> Bool? { shown.teams.first { $0.team == team }?.downtime }

    @Test("accepted teams' beta downtimes are read from GOCDB by tick (a site named in the configuration too), each change recorded; GOCDB gone: nothing changes, one log line, downtimes check exits 75")
    func endToEnd() throws {
        let fake = try GOCDBFake(now: Self.monday)
        var stopped = false
        defer { if !stopped { fake.stop() } }
        let folder = try CLITests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try CLITests.configuration(
            in: folder,
            extra: """

                gocdb:
                  url: \(fake.url)
                  refresh_minutes: 60
                  sites:
                    ea-NGI_UK-UKI-LT2-IC-HEP: UKI-LT2_QMUL

                """)
        func gateway(_ arguments: [String], at now: Date) throws -> CLITests.Result {
            try CLITests.run(arguments + ["--config", config, "--now", Self.iso(now)])
        }
        let day: TimeInterval = 86400
        var result = try gateway(
            ["release", "new", "--stack", "EMI-1.0", "--component", "SE-DPM_mysql", "--version", "1.8.0-1", "--os", "SL5", "--arch", "x86_64",
                "--release-notes", "https://wiki.egi.eu/notes", "--fixed-bugs", "https://bugs.example.org/1", "--documentation", "https://docs.example.org/dpm"],
            at: Self.monday.addingTimeInterval(-4 * day))
        #expect(result.status == 0, "\(result.stderr)")
        result = try gateway(["release", "stage", "1"], at: Self.monday.addingTimeInterval(-3 * day))
        #expect(result.status == 0, "\(result.stderr)")
        result = try gateway(
            ["apply", "--ticket", "2", "--as", "mario.david@lip.example.org", "--strong", "assign NGI_IT-INFN-T1 NGI_UK-UKI-LT2-IC-HEP NGI_DE-FZK-LCG2"],
            at: Self.monday.addingTimeInterval(-3 * day + 3600))
        #expect(result.status == 0, "\(result.stderr)")
        for (team, member) in [("NGI_IT-INFN-T1", "paolo.veronesi@cnaf.example.org"), ("NGI_UK-UKI-LT2-IC-HEP", "daniela.bauer@imperial.example.org")] {
            result = try gateway(["apply", "--ticket", "2", "--as", member, "--strong", "accept \(team)"], at: Self.monday)
            #expect(result.status == 0, "\(result.stderr)")
        }

        // The accept armed a check due at once: INFN-T1's beta SRM and QMUL's beta StoRM are in a downtime; FZK did
        // not accept and is not asked.
        result = try gateway(["tick"], at: Self.monday.addingTimeInterval(300))
        #expect(result.status == 0, "\(result.stderr)")
        var shown = try Self.show(config, at: Self.monday.addingTimeInterval(300))
        #expect(Self.downtime(shown, "ea-NGI_IT-INFN-T1") == true)
        #expect(Self.downtime(shown, "ea-NGI_UK-UKI-LT2-IC-HEP") == true)
        #expect(Self.downtime(shown, "ea-NGI_DE-FZK-LCG2") == false)
        let recorded = shown.history.filter { $0.action == "team.downtime" }
        #expect(recorded.count == 2)
        #expect(recorded.allSatisfy { $0.cause == "registry GOCDB" })
        #expect(recorded.contains { $0.detail.contains("ea-NGI_IT-INFN-T1 on") && $0.detail.contains("GOCDB downtime 30001") })
        #expect(recorded.contains { $0.detail.contains("GOCDB downtime 30006") })
        #expect(shown.timers.contains { $0.kind == "beta-downtime-check" })

        // Two hours later (past the end of QMUL's downtime, an hour after the check came due again): QMUL's is off.
        result = try gateway(["tick"], at: Self.monday.addingTimeInterval(7200))
        #expect(result.status == 0, "\(result.stderr)")
        shown = try Self.show(config, at: Self.monday.addingTimeInterval(7200))
        #expect(Self.downtime(shown, "ea-NGI_IT-INFN-T1") == true)
        #expect(Self.downtime(shown, "ea-NGI_UK-UKI-LT2-IC-HEP") == false)
        #expect(shown.history.filter { $0.action == "team.downtime" }.count == 3)

        // GOCDB gone: the next check changes nothing, says so once, and is armed again; `downtimes check` exits 75.
        fake.stop()
        stopped = true
        result = try gateway(["tick"], at: Self.monday.addingTimeInterval(4 * 3600))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "GOCDB could not be asked").count == 2, "\(result.stderr)")
        shown = try Self.show(config, at: Self.monday.addingTimeInterval(4 * 3600))
        #expect(Self.downtime(shown, "ea-NGI_IT-INFN-T1") == true)
        #expect(shown.history.filter { $0.action == "team.downtime" }.count == 3)
        #expect(shown.timers.contains { $0.kind == "beta-downtime-check" })
        result = try gateway(["downtimes", "check"], at: Self.monday.addingTimeInterval(4 * 3600 + 60))
        #expect(result.status == 75, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("GOCDB could not be asked about site INFN-T1"))
    }

    @Test("gocdb: plain http only on loopback, a certificate needs its key, a team in sites must be a team name; downtimes check without gocdb: exits 78")
    func configuration() throws {
        let folder = try CLITests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (extra, key) in [
            ("gocdb:\n  url: http://goc.egi.eu/gocdbpi/public/\n", "gocdb.url"),
            ("gocdb:\n  url: https://goc.egi.eu/gocdbpi/public/\n  certificate_file: /etc/cert.pem\n", "gocdb.key_file"),
            ("gocdb:\n  url: https://goc.egi.eu/gocdbpi/public/\n  sites:\n    INFN: INFN-T1\n", "gocdb.sites.INFN"),
            ("gocdb:\n  url: https://goc.egi.eu/gocdbpi/public/\n  refresh_minutes: 0\n", "gocdb.refresh_minutes"),
        ] {
            let config = try CLITests.configuration(in: folder, extra: "\n" + extra)
            let result = try CLITests.run(["config", "check", "--config", config])
            #expect(result.status == 78, "\(extra)")
            #expect(result.stderr.contains(key), "\(extra): \(result.stderr)")
        }
        let config = try CLITests.configuration(in: folder)
        let result = try CLITests.run(["downtimes", "check", "--config", config])
        #expect(result.status == 78)
        #expect(result.stderr.contains("gocdb"))
    }
}
