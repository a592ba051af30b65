import Foundation
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

/// The directory's figures for node_exporter's textfile collector: beside the run's metrics file, in a file of
/// their own (`rollout_gateway_directory.prom`), written atomically by every sync attempt (`run` or `directory sync`).
enum DirectoryMetrics {
    /// The file beside `metricsTextfile`.
    static func path(besides metricsTextfile: String) -> String {
        URL(fileURLWithPath: metricsTextfile).deletingLastPathComponent().appendingPathComponent("rollout_gateway_directory.prom").path
    }

    /// - Parameters:
    ///   - succeeded: whether the last attempt stored a snapshot (0 when the directory was down, refused the bind
    ///     or the sync was refused as a mass removal).
    ///   - snapshot: the snapshot in force after the attempt.
    static func write(succeeded: Bool, snapshot: StoredDirectorySnapshot?, now: Date, to path: String) throws {
        let gauges: [(String, String, String)] = [
            ("rollout_gateway_directory_sync_ok", "1 when the last directory sync stored a snapshot, 0 when it failed or was refused.", succeeded ? "1" : "0"),
            (
                "rollout_gateway_directory_snapshot_age_seconds", "Age of the directory snapshot in force (-1: none yet).",
                snapshot.map { String(format: "%.0f", now.timeIntervalSince($0.takenAt)) } ?? "-1"
            ),
            ("rollout_gateway_directory_people", "People in the directory snapshot in force.", "\(snapshot?.snapshot.people.count ?? 0)"),
            ("rollout_gateway_directory_teams", "EA teams in the directory snapshot in force.", "\(snapshot?.snapshot.teams.count ?? 0)"),
            ("rollout_gateway_directory_sync_timestamp_seconds", "When the last directory sync was attempted.", String(format: "%.0f", now.timeIntervalSince1970)),
        ]
        var lines: [String] = []
        for (name, help, value) in gauges { lines += ["# HELP \(name) \(help)", "# TYPE \(name) gauge", "\(name) \(value)"] }
        let temporary = path + ".tmp.\(getpid())"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        chmod(temporary, 0o644)
        guard rename(temporary, path) == 0 else {
            throw GatewayError.invalidInput("cannot move the metrics file into \(path): \(String(cString: strerror(errno)))")
        }
    }
}
