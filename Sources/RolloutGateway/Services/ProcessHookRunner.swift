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

    /// Waits for the hook to end; at the timeout measured by ``clock``, ends it and what it started (SIGTERM to its
    /// process group, SIGKILL a second later) and throws.
    private func waitForExit(of process: SpawnedProcess, hook: HookRun, program: String) async throws -> Int32 {
        let deadline = clock.now().addingTimeInterval(Double(timeoutSeconds))
        while true {
            if let status = process.exitStatus(wait: false) { return status }
            if clock.now() > deadline { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.signalGroup(SIGTERM)
        for _ in 0..<50 where process.exitStatus(wait: false) == nil {
            try? await Task.sleep(for: .milliseconds(20))
        }
        process.signalGroup(SIGKILL)
        _ = process.exitStatus(wait: true)
        throw GatewayError.hookFailed(hook.hook, "\(program) did not finish within \(timeoutSeconds) s")
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
            let output = FileManager.default.contents(atPath: errorPath) ?? Data()
            let text = String(decoding: output.suffix(400), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GatewayError.hookFailed(
                hook.hook, "\(program) exited with status \(status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
