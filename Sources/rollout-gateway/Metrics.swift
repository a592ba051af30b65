import Foundation
import RolloutGateway

/// The per-run figures in node_exporter's textfile-collector format.
enum Metrics {
    static func write(_ report: RunCycle.Report, status: Int32, duration: TimeInterval, to path: String) throws {
        var file = PrometheusTextfile()
        let dispositions: [Ingest.Disposition] = [.applied, .duplicate, .loop, .autoReply, .bounce, .setAside]
        file.add(
            name: "rollout_gateway_run_messages", help: "Messages fetched in the last run, by what became of them.",
            samples: dispositions.map { (labels: "disposition=\"\($0.rawValue)\"", value: "\(report.dispositions[$0] ?? 0)") }
                + [(labels: "disposition=\"failed\"", value: "\(report.failed)")])
        file.add([
            .init(name: "rollout_gateway_run_fetched", help: "Messages fetched in the last run.", value: "\(report.fetched)"),
            .init(name: "rollout_gateway_run_quarantined", help: "Messages moved to quarantine in the last run.", value: "\(report.quarantined)"),
            .init(name: "rollout_gateway_run_timers_fired", help: "Timers fired in the last run.", value: "\(report.timersFired)"),
            .init(
                name: "rollout_gateway_run_gocdb_failures",
                help: "Beta-downtime checks GOCDB could not answer in the last run (the last known state stayed).",
                value: "\(report.registryFailures)"),
            .init(name: "rollout_gateway_run_notifications_sent", help: "Notifications delivered in the last run.", value: "\(report.send.delivered)"),
            .init(
                name: "rollout_gateway_run_notifications_deferred", help: "Deliveries deferred (4xx, server down) in the last run.",
                value: "\(report.send.deferred)"),
            .init(name: "rollout_gateway_run_notifications_held", help: "Notifications held by the volume caps in the last run.", value: "\(report.send.held)"),
            .init(name: "rollout_gateway_outbox_queued", help: "Notifications still queued after the last run.", value: "\(report.send.stillQueued)"),
            .init(
                name: "rollout_gateway_run_exit_status",
                help: "Exit status of the last run (0 done, 75 temporary failure, 78 configuration error).", value: "\(status)"),
            .init(name: "rollout_gateway_run_duration_seconds", help: "Duration of the last run.", value: String(format: "%.3f", duration)),
            .init(
                name: "rollout_gateway_run_timestamp_seconds", help: "When the last run ended.",
                value: String(format: "%.0f", Date().timeIntervalSince1970)),
        ])
        try file.write(to: path)
    }
}
