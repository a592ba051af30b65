import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program started by `posix_spawn` (the hooks; the tests' helper programs), with exactly the environment and the
/// standard streams given and no other descriptor of ours, every signal at its default and none blocked (a Swift
/// task runs on a thread that blocks most signals, and a child inherits the mask: a hook would never see the SIGTERM
/// that asks it to stop), in a process group of its own so that ending it ends what it started.
///
/// Not Foundation's `Process`: on Linux, `Process.run()` lists `/proc/self/fd` with a read of 256 bytes past each
/// directory entry and crashes now and then when one sits at the end of a page (swift-corelibs-foundation pull
/// request 5472, not in Swift 6.3.1); a test process that starts hundreds of children met it in CI.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later; not in the Swift module's headers): the
    /// child closes every descriptor from 3 on, also those opened without close-on-exec by any thread of ours.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Starts `path` with `arguments` and exactly `environment`; standard input read from the file `input`, standard
    /// output and error written to the descriptors given (each nil: /dev/null).
    public static func start(
        _ path: String, _ arguments: [String], environment: [String: String], input: String? = nil,
        output: Int32? = nil, errors: Int32? = nil
    ) throws -> SpawnedProcess {
        // Without closefrom the child would inherit every descriptor opened without close-on-exec: refused, not
        // leaked (glibc has it since 2.34; Debian 12 has 2.36).
        guard let closeFrom = Self.closeFrom else {
            throw Failure(description: "\(path) was not started: this C library cannot close the gateway's descriptors in a child (posix_spawn_file_actions_addclosefrom_np)")
        }
        func check(_ result: Int32, _ step: String) throws {
            guard result == 0 else { throw Failure(description: "\(path) was not started: \(step) (\(String(cString: strerror(result))))") }
        }
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), "no spawn actions")
        defer { posix_spawn_file_actions_destroy(&actions) }
        try check(posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0), "standard input")
        for (descriptor, target) in [(output, Int32(1)), (errors, Int32(2))] {
            if let descriptor {
                try check(posix_spawn_file_actions_adddup2(&actions, descriptor, target), "standard stream \(target)")
            } else {
                try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0), "standard stream \(target)")
            }
        }
        try check(closeFrom(&actions, 3), "closing the other descriptors")
        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), "no spawn attributes")
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        try check(posix_spawnattr_setsigmask(&attributes, &none), "signal mask")
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        try check(posix_spawnattr_setsigdefault(&attributes, &all), "signal dispositions")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "process group")
        try check(
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "spawn flags")
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure(description: "\(path) could not be started (\(String(cString: strerror(spawned))))") }
        return SpawnedProcess(pid: pid)
    }

    /// Whether it has ended, without reaping it: until it is reaped its process id, and so its process group's, cannot
    /// be taken by another process.
    public var hasEnded: Bool {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 {
            guard errno == EINTR else { return true }
        }
        return info._sifields._sigchld.si_pid == pid
    }

    /// Its exit status once it has ended, as `Process.terminationStatus` gives it (the exit code, or the number of
    /// the signal that ended it); nil while it runs. `wait`: block until it ends.
    public func exitStatus(wait: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, wait ? 0 : WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// Sends `signal` to its process group: it and whatever it started.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }
}
