import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Files the gateway creates hold every mail's text: private whatever the umask of whoever runs it.
@Suite("Files the gateway creates are private (0600 files, 0700 folders) under a umask of 022")
struct PrivateFilesTests {
    /// The CLI run by `/bin/sh` with `umask 022` (a login shell's, cron's), as a child process.
    static func startUnderUmask022(_ arguments: [String], environment: [String: String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 022 && exec \"$0\" \"$@\"", CLITests.binary] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, input)
    }

    static func runUnderUmask022(_ arguments: [String], environment: [String: String], stdin: Data = Data()) throws -> Int32 {
        let (process, input) = try startUnderUmask022(arguments, environment: environment)
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    @Test("the SQLite store, its WAL, SHM and lock, the set-aside bytes in it, the outbox Maildir: 0600 and 0700")
    func privateUnderUmask022() throws {
        // The shell's umask really is 022 for what it creates itself (the control).
        let folder = try CLITests.scratch()
        let probe = folder.appendingPathComponent("made-by-sh").path
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "umask 022 && : > \"$0\"", probe]
        try shell.run()
        shell.waitUntilExit()
        #expect(Self.mode(probe) == 0o644)

        let config = try CLITests.configuration(in: folder)
        let environment = ["RG_HOOK_LOG": try CLITests.scratch().appendingPathComponent("hooks.log").path]
        let store = folder.appendingPathComponent("gateway.sqlite").path
        // While `ingest` waits for its message on standard input, the store is open: its WAL and SHM exist.
        let (ingest, input) = try Self.startUnderUmask022(["ingest", "-c", config], environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while Self.mode(store + "-shm") == nil || Self.mode(store + "-wal") == nil, Date() < deadline { usleep(20_000) }
        #expect(Self.mode(store) == 0o600)
        #expect(Self.mode(store + "-wal") == 0o600)
        #expect(Self.mode(store + "-shm") == 0o600)
        // A stranger's message: set aside, its bytes kept in the store.
        input.fileHandleForWriting.write(Data("From: someone@elsewhere.example.org\r\nSubject: hello\r\nMessage-ID: <private@b>\r\n\r\nmy text\r\n".utf8))
        try input.fileHandleForWriting.close()
        ingest.waitUntilExit()
        #expect(ingest.terminationStatus == 0)
        for arguments in [
            ["release", "new", "-c", config, "--stack", "CA", "--version", "1.38", "--release-notes", "a", "--fixed-bugs", "b", "--documentation", "c"],
            ["release", "stage", "-c", config, "1"],
            ["run", "-c", config],
        ] {
            #expect(try Self.runUnderUmask022(arguments, environment: environment) == 0, "\(arguments[0])")
        }
        #expect(Self.mode(store + ".lock") == 0o600)
        let outbox = folder.appendingPathComponent("outbox")
        #expect(Self.mode(outbox.path) == 0o700)
        for sub in ["tmp", "new", "cur"] { #expect(Self.mode(outbox.appendingPathComponent(sub).path) == 0o700, "\(sub)") }
        let delivered = try FileManager.default.contentsOfDirectory(atPath: outbox.appendingPathComponent("new").path)
        #expect(!delivered.isEmpty)
        for name in delivered { #expect(Self.mode(outbox.appendingPathComponent("new/\(name)").path) == 0o600, "\(name)") }
        // Everything the gateway left in the folder is private (the configuration and the probe are the test's).
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path))
        for case let name as String in enumerator where !["gateway.yaml", "made-by-sh"].contains(name) {
            let path = folder.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            #expect(Self.mode(path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(name)")
        }
    }
}
