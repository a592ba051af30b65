import Foundation
import RolloutGateway

/// The directory's figures for node_exporter's textfile collector: beside the run's metrics file, in a file of
/// their own (`rollout_gateway_directory.prom`), written by every sync attempt (`run` or `directory sync`).
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
        var file = PrometheusTextfile()
        file.add([
            .init(
                name: "rollout_gateway_directory_sync_ok", help: "1 when the last directory sync stored a snapshot, 0 when it failed or was refused.",
                value: succeeded ? "1" : "0"),
            .init(
                name: "rollout_gateway_directory_snapshot_age_seconds", help: "Age of the directory snapshot in force (-1: none yet).",
                value: snapshot.map { String(format: "%.0f", now.timeIntervalSince($0.takenAt)) } ?? "-1"),
            .init(name: "rollout_gateway_directory_people", help: "People in the directory snapshot in force.", value: "\(snapshot?.snapshot.people.count ?? 0)"),
            .init(name: "rollout_gateway_directory_teams", help: "EA teams in the directory snapshot in force.", value: "\(snapshot?.snapshot.teams.count ?? 0)"),
            .init(
                name: "rollout_gateway_directory_sync_timestamp_seconds", help: "When the last directory sync was attempted.",
                value: String(format: "%.0f", now.timeIntervalSince1970)),
        ])
        try file.write(to: path)
    }
}
