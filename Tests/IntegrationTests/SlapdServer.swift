import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's slapd on a loopback port in a temporary directory: `fixtures/ldap/slapd.conf.template` (mdb, the
/// fixtures' voPerson/eduPerson schema) loaded with `fixtures/ldap/checkin.ldif` by slapadd, then started in the
/// foreground (`-d 0`) so that ``stop()`` ends it. Changed while it runs with ldapmodify, as the rootdn.
final class SlapdServer: @unchecked Sendable {
    static let baseDN = "dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu"
    static let bindDN = "cn=rollout-gateway,ou=services,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu"
    static let bindPassword = "gateway-secret"

    let port: Int
    let directory: URL
    private(set) var pid: pid_t = 0
    private var stopped = false
    var url: String { "ldap://127.0.0.1:\(port)/" }
    private var configuration: String { directory.appendingPathComponent("slapd.conf").path }

    init() throws {
        port = try freeLoopbackPort()
        directory = try ServerFixtures.makeScratchDirectory("slapd")
        let fixtures = CLITests.repository.appendingPathComponent("fixtures/ldap")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("db"), withIntermediateDirectories: true)
        let template = try String(contentsOf: fixtures.appendingPathComponent("slapd.conf.template"), encoding: .utf8)
        try template.replacingOccurrences(of: "@DIR@", with: directory.path).replacingOccurrences(of: "@FIXTURES@", with: fixtures.path)
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        let loaded = try Self.runTool("/usr/sbin/slapadd", ["-q", "-f", configuration, "-l", fixtures.appendingPathComponent("checkin.ldif").path])
        guard loaded.status == 0 else { throw ServerFixtures.Failure("slapadd failed: \(loaded.output)") }
        try start()
    }

    /// Starts slapd on the port (again, after ``stop()``), and waits (bounded) until it answers.
    func start() throws {
        pid = try ServerFixtures.spawn(
            "/usr/sbin/slapd", ["-f", configuration, "-h", url, "-d", "0"],
            stdout: directory.appendingPathComponent("stdout").path, stderr: directory.appendingPathComponent("stderr").path)
        stopped = false
        let ready = ServerProcess.poll(atMost: .seconds(10)) {
            (try? Self.runTool("/usr/bin/ldapwhoami", ["-x", "-H", url]))?.status == 0
        }
        guard ready else {
            let log = (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
            stop(removing: true)
            throw ServerFixtures.Failure("slapd did not start: \(log)")
        }
    }

    /// Applies an LDIF change (`changetype: modify` …) as the rootdn.
    func modify(_ ldif: String) throws {
        let file = directory.appendingPathComponent("change-\(UUID().uuidString).ldif")
        try ldif.write(to: file, atomically: true, encoding: .utf8)
        let result = try Self.runTool(
            "/usr/bin/ldapmodify", ["-x", "-H", url, "-D", "cn=admin,\(Self.baseDN)", "-w", "admin-secret", "-f", file.path])
        guard result.status == 0 else { throw ServerFixtures.Failure("ldapmodify failed: \(result.output)") }
    }

    /// The DN of a person of the fixture.
    static func person(_ id: String) -> String { "voPersonID=\(id),ou=people,\(baseDN)" }
    static func group(_ name: String) -> String { "cn=\(name),ou=groups,\(baseDN)" }

    /// Stops slapd (it stays stoppable and startable); `removing` also deletes its directory.
    func stop(removing: Bool = false) {
        if !stopped {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            stopped = true
        }
        if removing { try? FileManager.default.removeItem(at: directory) }
    }

    private static func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
