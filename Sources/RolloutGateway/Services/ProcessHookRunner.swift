import Foundation
import RolloutCore

/// Runs hooks as configured commands (no shell), with the release in `RG_*` environment variables.
public struct ProcessHookRunner: HookRunner {
    public let commands: [HookRun.Hook: [String]]
    public let timeoutSeconds: Int

    public init(commands: [HookRun.Hook: [String]], timeoutSeconds: Int = 300) {
        self.commands = commands
        self.timeoutSeconds = timeoutSeconds
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
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment(for: hook)) { _, new in new }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw GatewayError.hookFailed(hook.hook, "\(program) could not be started (\(error.localizedDescription))")
        }
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw GatewayError.hookFailed(hook.hook, "\(program) did not finish within \(timeoutSeconds) s")
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().suffix(400), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw GatewayError.hookFailed(
                hook.hook, "\(program) exited with status \(process.terminationStatus)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
