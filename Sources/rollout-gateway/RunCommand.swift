import ArgumentParser
import Foundation
import MailCurl
import MailGMime
import RolloutCore
import RolloutGateway

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
            StageTimes.measureStartup("run.startup")
            defer { StageTimes.printReport() }
            let started = Date()
            let environment = try await StageTimes.measure("run.environment") {
                try await Environment(options, label: "run", groupCommits: true)
            }
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
