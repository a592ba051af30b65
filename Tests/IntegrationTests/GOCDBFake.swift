import Foundation
import TestSupport

/// `Tests/servers/gocdb_fake.py` on a loopback port: GOCDB's public read API over `fixtures/gocdb/registry.json`, its
/// times relative to `now`. Spawned with a clean signal mask (``ServerFixtures/spawn(_:_:stdout:stderr:)``), so that it
/// stops on SIGTERM.
final class GOCDBFake: @unchecked Sendable {
    let port: Int
    let pid: pid_t
    let directory: URL
    var url: String { "http://127.0.0.1:\(port)/gocdbpi/public/" }

    init(now: Date) throws {
        port = try freeLoopbackPort()
        directory = try ServerFixtures.makeScratchDirectory("gocdb")
        let repository = CLITests.repository
        let output = directory.appendingPathComponent("stdout").path
        pid = try ServerFixtures.spawn(
            "/usr/bin/python3",
            [
                repository.appendingPathComponent("Tests/servers/gocdb_fake.py").path, "\(port)",
                repository.appendingPathComponent("fixtures/gocdb/registry.json").path, "\(Int(now.timeIntervalSince1970))",
            ], stdout: output, stderr: directory.appendingPathComponent("stderr").path)
        // The script prints "ready" once it listens.
        let ready = ServerProcess.poll(atMost: .seconds(10)) {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").hasPrefix("ready")
        }
        guard ready else {
            stop()
            throw ServerFixtures.Failure("the GOCDB stand-in did not start")
        }
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }
}
