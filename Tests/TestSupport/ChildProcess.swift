import Foundation
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program to its end and gives what it printed: for the independent readers and tools the tests ask
/// (Python's zipfile, threadweave, openssl, gpg). Started as the gateway starts its hooks (``SpawnedProcess``:
/// `posix_spawn`, not Foundation's `Process`, whose `run()` crashed a test process once in CI).
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: String
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

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
        let process: SpawnedProcess
        do {
            defer { close(outputPipe[1]); close(errorFD) }
            process = try SpawnedProcess.start(
                path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { _, added in added },
                input: stdin == nil ? nil : inputPath, output: outputPipe[1], errors: errorFD)
        } catch {
            close(outputPipe[0])
            throw SpawnError(description: "\(error)")
        }
        let output = FileHandle(fileDescriptor: outputPipe[0], closeOnDealloc: true).readDataToEndOfFile()
        let status = process.exitStatus(wait: true) ?? -1
        let problem = String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        return Result(status: status, output: output, errors: problem)
    }
}
