import Foundation
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

/// A file for node_exporter's textfile collector: gauges with their help lines, written atomically (a temporary
/// file beside it, then a rename) so that the collector never reads half a file.
struct PrometheusTextfile {
    /// One gauge: its name, its help line and its value as the file shows it.
    struct Gauge {
        var name: String
        var help: String
        var value: String
    }

    private var lines: [String] = []

    /// Samples of one gauge with labels, under one help line.
    mutating func add(name: String, help: String, samples: [(labels: String, value: String)]) {
        lines += ["# HELP \(name) \(help)", "# TYPE \(name) gauge"]
        lines += samples.map { "\(name){\($0.labels)} \($0.value)" }
    }

    mutating func add(_ gauges: [Gauge]) {
        for gauge in gauges { lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge", "\(gauge.name) \(gauge.value)"] }
    }

    /// Counts only, for node_exporter (another user): readable by all, unlike the gateway's other files.
    func write(to path: String) throws {
        let temporary = path + ".tmp.\(getpid())"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        chmod(temporary, 0o644)
        guard rename(temporary, path) == 0 else {
            throw GatewayError.invalidInput("cannot move the metrics file into \(path): \(String(cString: strerror(errno)))")
        }
    }
}
