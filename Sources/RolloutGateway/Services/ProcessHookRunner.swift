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

    /// Waits for the process, ending it at the timeout measured by ``clock``.
    private func waitForExit(of process: Process, hook: HookRun, program: String) async throws {
        let deadline = clock.now().addingTimeInterval(Double(timeoutSeconds))
        while process.isRunning {
            if clock.now() > deadline {
                process.terminate()
                throw GatewayError.hookFailed(hook.hook, "\(program) did not finish within \(timeoutSeconds) s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(argv.dropFirst())
        // Only PATH, the locale and the release: never the gateway's own environment (it may hold passwords).
        let inherited = ProcessInfo.processInfo.environment.filter { ["PATH", "LANG", "LC_ALL", "TZ", "RG_HOOK_LOG"].contains($0.key) }
        process.environment = inherited.merging(Self.environment(for: hook)) { _, new in new }
        // stderr goes to a file, so a talkative hook never blocks on a full pipe.
        let errorPath = NSTemporaryDirectory() + "rollout-hook-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        guard let errors = FileHandle(forWritingAtPath: errorPath) else {
            throw GatewayError.hookFailed(hook.hook, "cannot create \(errorPath) for the hook's messages")
        }
        defer { try? errors.close() }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw GatewayError.hookFailed(hook.hook, "\(program) could not be started (\(error.localizedDescription))")
        }
        try await waitForExit(of: process, hook: hook, program: program)
        guard process.terminationStatus == 0 else {
            let output = FileManager.default.contents(atPath: errorPath) ?? Data()
            let text = String(decoding: output.suffix(400), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GatewayError.hookFailed(
                hook.hook, "\(program) exited with status \(process.terminationStatus)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
