import Foundation
import RolloutGateway
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL for the tests, on loopback, without systemd: `initdb` into a temporary folder and `pg_ctl` as
/// an unprivileged user (Debian's `postgres` when the tests run as root), a free port, the Unix socket in the folder.
///
/// One server serves the whole test run (``shared``); each test takes a database of its own (``makeDatabase()``).
/// It stops when the test process exits: at exit, and by a watchdog that stops it when the process is gone
/// (a crashed or killed test run leaves no server behind).
public final class PostgresServer: Sendable {
    public let directory: URL
    public let port: Int
    public let user = "rollout"
    public let password: String
    let binaries: URL
    /// The user that runs the server (nil: the current one).
    let owner: String?

    /// The server of this test run, started on first use.
    public static func shared() throws -> PostgresServer {
        try started.get()
    }

    private static let started: Result<PostgresServer, any Error> = Result {
        let server = try PostgresServer()
        serverToStop = server
        atexit { PostgresServer.serverToStop?.stop() }
        return server
    }

    nonisolated(unsafe) private static var serverToStop: PostgresServer?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    init() throws {
        guard let binaries = Self.findBinaries() else {
            throw Failure("PostgreSQL's initdb is not installed (expected /usr/lib/postgresql/VERSION/bin); run scripts/install-deps.sh --test")
        }
        self.binaries = binaries
        owner = getuid() == 0 ? "postgres" : nil
        password = "pw-\(UUID().uuidString.prefix(12))"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let owner {
            try Self.run("/bin/chown", [owner, directory.path])
        }
        let passwordFile = directory.appendingPathComponent("pwfile").path
        try password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
        if let owner { try Self.run("/bin/chown", [owner, passwordFile]) }
        let owner = self.owner
        let dataDirectory = directory.appendingPathComponent("data").path
        try Self.run(as: owner,
            binaries.appendingPathComponent("initdb").path,
            ["-D", dataDirectory, "-U", user, "--pwfile", passwordFile, "--auth-local", "trust", "--auth-host", "scram-sha-256",
             "-E", "UTF8", "--locale", "C", "--no-sync"])
        var lastError = ""
        var started: Int?
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let options = [
                "-c listen_addresses=127.0.0.1", "-p \(port)", "-k \(directory.path)", "-c fsync=off", "-c synchronous_commit=off",
                "-c full_page_writes=off", "-c max_connections=200", "-c shared_buffers=64MB",
            ].joined(separator: " ")
            do {
                // Not through a pipe: the server it starts would hold the pipe open.
                try Self.run(as: owner, capturing: false,
                    binaries.appendingPathComponent("pg_ctl").path,
                    ["-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path, "-o", options, "-w", "-t", "30", "start"])
                started = port
                break
            } catch {
                lastError = "\(error): \((try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? "")"
            }
        }
        guard let started else { throw Failure("PostgreSQL did not start: \(lastError)") }
        port = started
        try watchTestProcess()
    }

    var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Settings for a new, empty database of its own.
    public func makeDatabase(_ label: String = "t") throws -> PostgreSQLSettings {
        let name = "\(label)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try psql("CREATE DATABASE \(name)")
        return PostgreSQLSettings(host: "127.0.0.1", port: port, user: user, database: name, tls: .disable, claimSeconds: 300)
    }

    /// Serves a store's connections (its `runner()`) for the rest of the test run, for the tests whose stores outlive
    /// any scope they could be run in (the conformance suite opens a driver's store and hands it around). A test of the
    /// store's own run uses `withRunning` instead.
    public func keepRunning(_ runner: @escaping @Sendable () async -> Void) {
        Task { await runner() }
    }

    /// Runs SQL as the superuser over the Unix socket; returns what psql printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try asOwner(
            binaries.appendingPathComponent("psql").path,
            ["-h", directory.path, "-p", "\(port)", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql])
    }

    /// Stops the server (fast shutdown) and removes its folder.
    public func stop() {
        _ = try? asOwner(binaries.appendingPathComponent("pg_ctl").path, ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// A shell that stops the server once this process is gone, however it ended.
    private func watchTestProcess() throws {
        let pgctl = binaries.appendingPathComponent("pg_ctl").path
        let stop = owner.map { "runuser -u \($0) -- \(pgctl)" } ?? pgctl
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(stop) -D '\(dataDirectory)' -m immediate stop >/dev/null 2>&1
            rm -rf '\(directory.path)'
            """
        var pid: pid_t = 0
        let words: [String] = ["/usr/bin/setsid", "/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [0, 1, 2] as [Int32] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let spawned = posix_spawn(&pid, "/usr/bin/setsid", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure("cannot start the watchdog: \(String(cString: strerror(spawned)))") }
    }

    @discardableResult
    private func asOwner(_ program: String, _ arguments: [String]) throws -> String {
        try Self.run(as: owner, program, arguments)
    }

    @discardableResult
    static func run(as owner: String?, capturing: Bool = true, _ program: String, _ arguments: [String]) throws -> String {
        if let owner { return try run("/usr/sbin/runuser", ["-u", owner, "--", program] + arguments, capturing: capturing) }
        return try run(program, arguments, capturing: capturing)
    }

    /// Runs a program to its end; its output goes through a file, not a pipe, and the child is reaped here: not
    /// Foundation's `Process`, which notices a child's end by a descriptor that the server `pg_ctl` starts inherits.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], capturing: Bool = true) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-pg-run-\(UUID().uuidString.prefix(8))").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capturing ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw Failure("cannot start \(program): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = capturing ? ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") : ""
        let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else {
            throw Failure("\(program) \(arguments.joined(separator: " ")) exited \(exited): \(text)")
        }
        return text
    }

    /// The newest installed PostgreSQL's programs.
    static func findBinaries() -> URL? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "\(root)/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }
}
