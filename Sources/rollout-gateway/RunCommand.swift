import ArgumentParser
import Foundation
import MailCurl
import MailGMime
import RolloutCore
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "One cycle for cron or a systemd timer: fetch mail over IMAP and apply it, fire due timers, send the outbox.",
        discussion: """
            Two overlapping runs never work at once: the second waits up to --wait seconds for the lock, then exits 0.
            Exit status: 0 done; 75 a temporary failure (a server down, the store busy); 78 a configuration error
            (also an IMAP or SMTP login refused).
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "Seconds to wait for another run to finish.") var wait: Int = 10

    func run() async throws {
        try await guarded {
            let started = Date()
            let environment = try await Environment(options, label: "run", groupCommits: true)
            let configuration = environment.configuration
            if environment.localLockPath != nil {
                guard let lock = try environment.takeRunLock(waiting: wait) else { return }
                defer { lock.release() }
                try await Self.cycle(environment, fetching: true, started: started)
            } else if let mailboxLock = environment.mailboxLock, let imap = configuration.imap {
                // Instances sharing the database: one reads the mailbox at a time; the others tick and send (their
                // timers and outbox messages are claimed row by row).
                let done = try await mailboxLock.whileHolding(mailbox: imap.mailbox) {
                    try await Self.cycle(environment, fetching: true, started: started)
                }
                if done == nil {
                    environment.gateway.logger.notice(
                        "another instance is reading the mailbox; this run only fires timers and sends", metadata: ["mailbox": "\(imap.mailbox)"])
                    try await Self.cycle(environment, fetching: false, started: started)
                }
            } else {
                try await Self.cycle(environment, fetching: true, started: started)
            }
        }
    }

    /// One cycle: fetch (when asked and configured), tick, send; the summary line, the metrics file, the exit status.
    static func cycle(_ environment: Environment, fetching: Bool, started: Date) async throws {
        // The directory first, when its snapshot is older than refresh_minutes (issue 22); down, the last one stays.
        let environment = try await environment.syncingDirectoryIfStale()
        let configuration = environment.configuration
        let fetcher = fetching ? try configuration.imap.map { try environment.imapFetcher($0) } : nil
        let cycle = RunCycle(
            ingest: environment.ingest(), mailboxes: environment.store, fetcher: fetcher,
            mailbox: configuration.imap?.mailbox ?? "INBOX", maxAttempts: configuration.imap?.maxAttempts ?? 5,
            transport: try environment.transport())
        let report = try await cycle.run()
        let queued = report.send.stillQueued
        environment.gateway.logger.info(
            "run done",
            metadata: [
                "fetched": "\(report.fetched)", "applied": "\(report.dispositions[.applied] ?? 0)",
                "duplicates": "\(report.dispositions[.duplicate] ?? 0)", "set-aside": "\(report.dispositions[.setAside] ?? 0)",
                "failed": "\(report.failed)", "quarantined": "\(report.quarantined)", "timers": "\(report.timersFired)",
                "sent": "\(report.send.delivered)", "held": "\(report.send.held)", "still-queued": "\(queued)",
            ])
        let status: Int32 =
            switch report.fetchError?.kind {
            case .configuration: ExitStatus.configuration
            case .temporary: ExitStatus.temporaryFailure
            case nil:
                report.send.sessionRefused != nil
                    ? ExitStatus.configuration
                    : report.send.sessionUnavailable != nil || report.send.deferred > 0 ? ExitStatus.temporaryFailure : 0
            }
        if let path = configuration.metricsTextfile {
            try Metrics.write(report, status: status, duration: Date().timeIntervalSince(started), to: path)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The per-run figures in node_exporter's textfile-collector format, written atomically (temp file + rename).
enum Metrics {
    static func write(_ report: RunCycle.Report, status: Int32, duration: TimeInterval, to path: String) throws {
        var lines = [
            "# HELP rollout_gateway_run_messages Messages fetched in the last run, by what became of them.",
            "# TYPE rollout_gateway_run_messages gauge",
        ]
        for disposition in [Ingest.Disposition.applied, .duplicate, .loop, .autoReply, .bounce, .setAside] {
            lines.append("rollout_gateway_run_messages{disposition=\"\(disposition.rawValue)\"} \(report.dispositions[disposition] ?? 0)")
        }
        lines.append("rollout_gateway_run_messages{disposition=\"failed\"} \(report.failed)")
        let gauges: [(String, String, String)] = [
            ("rollout_gateway_run_fetched", "Messages fetched in the last run.", "\(report.fetched)"),
            ("rollout_gateway_run_quarantined", "Messages moved to quarantine in the last run.", "\(report.quarantined)"),
            ("rollout_gateway_run_timers_fired", "Timers fired in the last run.", "\(report.timersFired)"),
            (
                "rollout_gateway_run_gocdb_failures", "Beta-downtime checks GOCDB could not answer in the last run (the last known state stayed).",
                "\(report.registryFailures)"
            ),
            ("rollout_gateway_run_notifications_sent", "Notifications delivered in the last run.", "\(report.send.delivered)"),
            ("rollout_gateway_run_notifications_deferred", "Deliveries deferred (4xx, server down) in the last run.", "\(report.send.deferred)"),
            ("rollout_gateway_run_notifications_held", "Notifications held by the volume caps in the last run.", "\(report.send.held)"),
            ("rollout_gateway_outbox_queued", "Notifications still queued after the last run.", "\(report.send.stillQueued)"),
            ("rollout_gateway_run_exit_status", "Exit status of the last run (0 done, 75 temporary failure, 78 configuration error).", "\(status)"),
            ("rollout_gateway_run_duration_seconds", "Duration of the last run.", String(format: "%.3f", duration)),
            ("rollout_gateway_run_timestamp_seconds", "When the last run ended.", String(format: "%.0f", Date().timeIntervalSince1970)),
        ]
        for (name, help, value) in gauges {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) gauge", "\(name) \(value)"]
        }
        let temporary = path + ".tmp.\(getpid())"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        // Counts only, for node_exporter (another user): readable by all, unlike the gateway's other files.
        chmod(temporary, 0o644)
        guard rename(temporary, path) == 0 else {
            throw GatewayError.invalidInput("cannot move the metrics file into \(path): \(String(cString: strerror(errno)))")
        }
    }
}
