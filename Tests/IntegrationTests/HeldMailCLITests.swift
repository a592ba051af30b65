import Foundation
import Testing

/// Held mail as the operator meets it: `send` and `status` say how many are held, for whom and until when;
/// `send --release-held --to ADDRESS` sends one person's after a look, and the log records it.
@Suite("Held mail on the command line")
struct HeldMailCLITests {
    @Test("send and status list the held mail per recipient; send --release-held --to sends that person's, logged")
    func listAndRelease() throws {
        // Given the demo's ticket #2 with two teams assigned and three comments by Paolo, and a cap of one a person
        let folder = try CLITests.scratch()
        let config = try CLITests.configuration(in: folder)
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "\noutbox:\n", with: "\noutbox:\n  per_recipient_per_hour: 1\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let hooks = ["RG_HOOK_LOG": folder.appendingPathComponent("hooks.log").path]
        try CLITests.run(["release", "new", "-c", config, "--stack", "EMI-1.0", "--component", "X", "--version", "1", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"], environment: hooks)
        try CLITests.run(["release", "stage", "-c", config, "1"], environment: hooks)
        try CLITests.run(["apply", "-c", config, "--ticket", "2", "--as", "mario.david@lip.example.org", "assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2"])
        #expect(try CLITests.run(["send", "-c", config]).status == 0)
        for note in 1...3 {
            try CLITests.run(["apply", "-c", config, "--ticket", "2", "--as", "paolo.veronesi@cnaf.example.org", "Still testing, note \(note)."])
        }

        // When send runs
        let send = try CLITests.run(["send", "-c", config])

        // Then one relay reached each watcher, the two others are held, and send says so per recipient, with the next try
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stdout.contains("held 8, still queued 10"), "\(send.stdout)")
        #expect(send.stdout.contains("held for mario.david@lip.example.org: 2 held (ticket #2), next try 20"))
        #expect(send.stdout.contains("--release-held"))
        #expect(send.stderr.split(separator: "\n").filter { $0.contains("outbound mail held by the volume caps") }.count == 1)
        let status = try CLITests.run(["status", "-c", config])
        #expect(status.status == 0)
        #expect(status.stdout.contains("10 queued (8 held by the volume caps)"), "\(status.stdout)")
        #expect(status.stdout.contains("held for pavel.weber@kit.example.org: 2 held (ticket #2), next try 20"))
        #expect(try CLITests.run(["send", "-c", config, "--to", "mario.david@lip.example.org"]).status == 64)

        // When the operator releases Mario's
        let release = try CLITests.run(["send", "-c", config, "--release-held", "--to", "mario.david@lip.example.org"])

        // Then his two relays go out, the release is logged with the count and the address, the others stay held
        #expect(release.status == 0, "\(release.stderr)")
        #expect(release.stdout.contains("released 2"), "\(release.stdout)")
        let logged = release.stderr.split(separator: "\n").filter { $0.contains("held mail released by the operator") }
        #expect(logged.count == 1)
        #expect(logged.first?.contains("released=2") == true && logged.first?.contains("to=mario.david@lip.example.org") == true)
        let after = try CLITests.run(["status", "-c", config])
        #expect(after.stdout.contains("(6 held by the volume caps)"), "\(after.stdout)")
        #expect(!after.stdout.contains("held for mario.david@lip.example.org"))
        let outbox = folder.appendingPathComponent("outbox/new")
        let relaysToMario = try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { name in
            let mail = (try? String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return mail.contains("To: mario.david@lip.example.org") && mail.contains("Still testing, note")
        }
        #expect(relaysToMario.count == 3)
    }
}
