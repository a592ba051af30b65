import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to its end and gives what it printed: for the independent readers and tools the tests ask
/// (Python's zipfile, threadweave, openssl, gpg).
///
/// By `posix_spawn`, not Foundation's `Process`: on Linux, `Process.run()` lists `/proc/self/fd` with a read of 256
/// bytes past each directory entry and crashes now and then when one sits at the end of a page
/// (swift-corelibs-foundation pull request 5472, not in Swift 6.3.1) — a test process that starts hundreds of
/// children met it once in CI. The child gets no descriptor of ours but its standard streams.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: String
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; not in the Swift module's headers): the child
    /// closes every descriptor from 3 on.
    private static let closeFrom3: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Runs `path` with `arguments`, `stdin` as its standard input (none: /dev/null), and `environment` added to this
    /// process's own.
    public static func run(_ path: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        // Standard input comes from a file, and standard error goes to one, so that no stream can fill up while
        // another is read.
        let inputPath = NSTemporaryDirectory() + "child-stdin-\(UUID().uuidString)"
        if let stdin { FileManager.default.createFile(atPath: inputPath, contents: stdin) }
        defer { if stdin != nil { unlink(inputPath) } }
        let errorPath = NSTemporaryDirectory() + "child-stderr-\(UUID().uuidString)"
        let errorFD = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard errorFD >= 0 else { throw SpawnError(description: "cannot create \(errorPath): errno \(errno)") }
        defer { unlink(errorPath) }
        var outputPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else {
            close(errorFD)
            throw SpawnError(description: "no pipe: errno \(errno)")
        }
        for end in outputPipe { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorFD, 2)
        Self.closeFrom3?(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(outputPipe[1])
        close(errorFD)
        guard spawned == 0 else {
            close(outputPipe[0])
            throw SpawnError(description: "\(path) cannot be started: errno \(spawned)")
        }
        let output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true).readDataToEndOfFile()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // As Process.terminationStatus: the exit code, or the number of the signal that ended it.
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : signal
        let problem = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        return Result(status: code, output: output, errors: problem)
    }
}
