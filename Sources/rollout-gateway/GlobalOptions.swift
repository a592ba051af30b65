import ArgumentParser
import Foundation

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file (default: $ROLLOUT_GATEWAY_CONFIG, else /etc/rollout-gateway/gateway.yaml).")
    var config: String?

    @Option(help: "Use this time as now (ISO 8601, e.g. 2026-11-27T15:00:00+01:00; default: $ROLLOUT_GATEWAY_NOW, else the system clock).")
    var now: String?

    @Flag(name: .shortAndLong, help: "Log debug detail.")
    var verbose = false

    var configurationPath: String {
        config ?? ProcessInfo.processInfo.environment["ROLLOUT_GATEWAY_CONFIG"] ?? "/etc/rollout-gateway/gateway.yaml"
    }

    /// The injected time, when one was given.
    func fixedNow() throws -> Date? {
        guard let text = now ?? ProcessInfo.processInfo.environment["ROLLOUT_GATEWAY_NOW"], !text.isEmpty else { return nil }
        guard let date = Self.parseDate(text) else {
            throw ValidationError("'\(text)' is not an ISO 8601 time; expected e.g. 2026-11-27T15:00:00Z or 2026-11-27T15:00:00+01:00")
        }
        return date
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
