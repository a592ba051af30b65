import Foundation
import RolloutCore

/// Runs hooks as configured commands (no shell), with the release in `RG_*` environment variables.
public struct ProcessHookRunner: HookRunner {
    public let commands: [HookRun.Hook: [String]]
    public let timeoutSeconds: Int
    /// Measures the timeout.
    public let clock: DateSource

    public init(commands: [HookRun.Hook: [String]], timeoutSeconds: Int = 300, clock: DateSource = .system) {
        self.commands = commands
        self.timeoutSeconds = timeoutSeconds
        self.clock = clock
    }

    /// Waits for the hook to end; at the timeout measured by ``clock``, or when the task waiting is cancelled, ends
    /// it and what it started (``end(_:)``) and throws.
    private func waitForExit(of process: SpawnedProcess, hook: HookRun, program: String) async throws -> Int32 {
        let deadline = clock.now().addingTimeInterval(Double(timeoutSeconds))
        do {
            // Whether it ended is asked before the clock: a wait that woke late (a busy machine) must not end a hook
            // that finished in time.
            while true {
                if let status = process.exitStatus(wait: false) { return status }
                if clock.now() > deadline { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            await Self.end(process)
            throw error
        }
        await Self.end(process)
        throw GatewayError.hookFailed(hook.hook, "\(program) did not finish within \(timeoutSeconds) s")
    }

    /// Ends a hook and what it started: SIGTERM to its process group, SIGKILL a second later if the hook has not
    /// ended, then reaps it. The hook is not reaped before the SIGKILL, so that its group's id cannot have been taken
    /// by another process meanwhile. Runs in a task of its own, which a cancelled caller does not cancel; gives up
    /// after 5 s more (a process stuck in the kernel, on a hung NFS mount, outlives SIGKILL) rather than hold a
    /// thread: the process is then left to its parent's end.
    static func end(_ process: SpawnedProcess) async {
        await Task {
            process.signalGroup(SIGTERM)
            for _ in 0..<50 where !process.hasEnded { try? await Task.sleep(for: .milliseconds(20)) }
            process.signalGroup(SIGKILL)
            for _ in 0..<250 {
                if process.exitStatus(wait: false) != nil { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }.value
    }

    /// The variables a hook receives.
    public static func environment(for run: HookRun) -> [String: String] {
        let release = run.release.release
        return [
            "RG_HOOK": run.hook.rawValue,
            "RG_RELEASE_TICKET": String(run.release.id.rawValue),
            "RG_ROLLOUT_TICKET": run.release.child.map { String($0.rawValue) } ?? "",
            "RG_STACK": release.stack,
            "RG_COMPONENT": release.component ?? "",
            "RG_VERSION": release.version,
            "RG_OS": release.os ?? "",
            "RG_ARCH": release.architecture ?? "",
            "RG_OUTCOME": run.release.outcome?.rawValue ?? "",
        ]
    }

    /// The last `bytes` of the file at `path` (a hook's messages: however much it wrote, only its end is read).
    static func tail(of path: String, bytes: Int) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        let end = lseek(descriptor, 0, SEEK_END)
        guard end > 0, lseek(descriptor, max(0, end - off_t(bytes)), SEEK_SET) >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: bytes)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, bytes) }
        return count > 0 ? Array(buffer.prefix(count)) : []
    }

    public func run(_ hook: HookRun) async throws {
        guard let argv = commands[hook.hook], let program = argv.first else { return }
        // Only PATH, the locale and the release: never the gateway's own environment (it may hold passwords).
        let inherited = ProcessInfo.processInfo.environment.filter { ["PATH", "LANG", "LC_ALL", "TZ", "RG_HOOK_LOG"].contains($0.key) }
        // stderr goes to a file, so a talkative hook never blocks on a full pipe.
        let errorPath = NSTemporaryDirectory() + "rollout-hook-\(UUID().uuidString).err"
        let errors = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard errors >= 0 else {
            throw GatewayError.hookFailed(hook.hook, "cannot create \(errorPath) for the hook's messages")
        }
        defer { unlink(errorPath) }
        let process: SpawnedProcess
        do {
            defer { close(errors) }
            process = try SpawnedProcess.start(
                program, Array(argv.dropFirst()), environment: inherited.merging(Self.environment(for: hook)) { _, new in new },
                errors: errors)
        } catch {
            throw GatewayError.hookFailed(hook.hook, "\(error)")
        }
        let status = try await waitForExit(of: process, hook: hook, program: program)
        guard status == 0 else {
            let text = String(decoding: Self.tail(of: errorPath, bytes: 400), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GatewayError.hookFailed(
                hook.hook, "\(program) exited with status \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
