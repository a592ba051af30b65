import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Real servers for the integration tests: a free loopback port, the process, its greeting, its stop.
///
/// Protocol-agnostic (SMTP and IMAP servers both greet with one line): give the greeting's
/// expected prefixes and a marker that only this instance puts in it, so that a server already
/// listening on the port is not mistaken for ours.
enum ServerFixtures {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The `Tests/servers` folder, found from this file.
    static let serversDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("servers")

    /// A fresh temporary directory that anyone may write to (servers drop privileges to `nobody`).
    static func makeScratchDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rollout-it-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard chmod(url.path, 0o777) == 0 else { throw Failure("cannot chmod \(url.path)") }
        return url
    }

    /// Connects to 127.0.0.1:port and returns the first line the server sends, or `nil` when nothing listens.
    /// Sends `goodbye` (e.g. `QUIT\r\n`) before closing.
    static func greeting(port: Int, goodbye: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 1024, read(fd, &byte, 1) == 1 {
            if byte == 0x0A { break }
            if byte != 0x0D { line.append(byte) }
        }
        _ = goodbye.withCString { write(fd, $0, strlen($0)) }
        // Let the server read the goodbye before the socket closes.
        var rest = [UInt8](repeating: 0, count: 512)
        _ = read(fd, &rest, rest.count)
        return String(decoding: line, as: UTF8.self)
    }

    /// The process's state letter as `ps -o stat=` shows it (`S`, `R`, `Z` for a zombie…), `nil` once it is gone.
    /// Read from `/proc/PID/stat`, where `ps` reads it.
    static func processState(_ pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    /// Starts a process with a clean signal mask and standard output and error going to files.
    ///
    /// Not Foundation's `Process`: a child spawned from a test thread inherits that thread's
    /// blocked signals, so smtp-sink ignored SIGTERM (seen here: `SigBlk` with SIGTERM set).
    static func spawn(_ executable: String, _ arguments: [String], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw Failure("cannot start \(executable): \(String(cString: strerror(result)))") }
        return pid
    }
}

/// A server process started by a test, on its own loopback port, stopped by ``stop()``.
final class ServerProcess: @unchecked Sendable {
    let port: Int
    let directory: URL
    let pid: pid_t
    private var exited = false
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `executable` with the arguments made for a free port, and waits (bounded) for its greeting.
    ///
    /// - Parameters:
    ///   - arguments: the command line for a given port.
    ///   - greetingPrefixes: accepted beginnings of the greeting line (`220 `, `421 `, `* OK`).
    ///   - marker: text that only this instance puts in its greeting.
    ///   - goodbye: what to send after reading the greeting (`QUIT\r\n`, `a LOGOUT\r\n`).
    static func start(
        label: String, executable: String, arguments: (_ port: Int, _ directory: URL) -> [String],
        greetingPrefixes: [String], marker: String, goodbye: String, directory: URL? = nil,
        waitingAtMost limit: Duration = .seconds(10)
    ) throws -> ServerProcess {
        let directory = try directory ?? ServerFixtures.makeScratchDirectory(label)
        var lastError = ""
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let server = try ServerProcess(
                port: port, directory: directory, executable: executable, arguments: arguments(port, directory))
            let clock = ContinuousClock()
            let deadline = clock.now + limit
            while clock.now < deadline {
                if !server.isRunning { break }
                if let line = ServerFixtures.greeting(port: port, goodbye: goodbye) {
                    if greetingPrefixes.contains(where: line.hasPrefix), line.contains(marker) { return server }
                    lastError = "port \(port) answered '\(line)', not our server"
                    break
                }
                usleep(20_000)
            }
            server.stop(removingDirectory: false)
            if lastError.isEmpty { lastError = "no greeting within \(limit): \(server.standardError())" }
        }
        try? FileManager.default.removeItem(at: directory)
        throw ServerFixtures.Failure("\(label) did not start: \(lastError)")
    }

    private init(port: Int, directory: URL, executable: String, arguments: [String]) throws {
        self.port = port
        self.directory = directory
        stdoutURL = directory.appendingPathComponent("server-\(port).stdout")
        stderrURL = directory.appendingPathComponent("server-\(port).stderr")
        pid = try ServerFixtures.spawn(executable, arguments, stdout: stdoutURL.path, stderr: stderrURL.path)
    }

    /// Whether the process has not exited yet; reaps it once it has.
    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result < 0 && errno == ECHILD) { exited = true }
        return !exited
    }

    /// What the server wrote to its standard output so far.
    func standardOutput() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    /// What the server wrote to its standard error so far.
    func standardError() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Stops the server (SIGTERM, then SIGKILL after 3 s), reaps it, and removes its directory.
    func stop(removingDirectory: Bool = true) {
        if isRunning {
            kill(pid, SIGTERM)
            ServerProcess.poll(atMost: .seconds(3)) { !isRunning }
            if isRunning {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                exited = true
            }
        }
        if removingDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Polls `condition` every 10 ms until it holds or `limit` passes; returns its last value.
    @discardableResult
    static func poll(atMost limit: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !condition() {
            if clock.now >= deadline { return condition() }
            usleep(10_000)
        }
        return true
    }
}
