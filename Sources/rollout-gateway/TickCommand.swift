import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway
import SignatureOpenPGP

struct TickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Fire every timer due now: deadlines, escalations, testing reminders.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await guarded {
            StageTimes.measureStartup("tick.startup")
            defer { StageTimes.printReport() }
            // Nothing due (most runs of a cron job): the configuration and one probe of the store's due index are all
            // that is read; the templates, signers, keyrings and the directory are read only when a timer fires.
            let configuration = try StageTimes.measure("tick.configuration") {
                try GatewayConfiguration.load(from: options.configurationPath)
            }
            let clock = try options.fixedNow().map(DateSource.constant) ?? .system
            // Commits are synced per group of firings (``Gateway/tick(groupSize:)``), not one by one.
            let (store, anyDue) = try await StageTimes.measure("tick.store-opened-due-index-read") {
                let store = try Environment.openStore(
                    configuration, groupCommits: true, clock: clock, logger: Environment.logger(options, label: "tick"))
                return (store, try await store.anyTimerDue(at: clock.now()))
            }
            guard anyDue || configuration.digest != nil else {
                print("fired 0 timers, queued 0 notifications")
                return
            }
            let environment = try await StageTimes.measure("tick.environment") {
                try await Environment(options, label: "tick", opened: (configuration, store as any TicketStore))
            }
            // On a shared database, due timers are claimed one by one instead.
            guard let lock = try environment.takeRunLock() else { return }
            defer { lock.release() }
            let report = try await StageTimes.measure("tick.firing") {
                let report = try await environment.gateway.tick()
                try await environment.store.flush()
                return report
            }
            print("fired \(report.fired.count) timers, queued \(report.notifications) notifications"
                + (report.failed.isEmpty ? "" : ", \(report.failed.count) failed (still due; see the log)"))
            if let first = report.failed.first { throw first.error }
        }
    }
}

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Deliver the outbox: over SMTP when `smtp` is configured, else into the outbox Maildir.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Deliver into this Maildir instead.") var maildir: String?
    @Flag(help: "Send the mail the volume caps hold now, whatever the caps say (see `status` first); logged.")
    var releaseHeld = false
    @Option(help: "With --release-held: only the mail held for this address.") var to: String?

    func validate() throws {
        if to != nil, !releaseHeld { throw ValidationError("--to goes with --release-held") }
    }

    func run() async throws {
        try await guarded {
            // Each delivery is committed as soon as it is known; a commit without its own fsync survives a killed
            // process (SQLite WAL), and the flush at the end makes them all durable against a power loss.
            let environment = try await Environment(options, label: "send", groupCommits: true)
            // One sender at a time on a SQLite store: two would both read the same queued messages. On a shared
            // database, outbox messages are claimed one by one instead.
            guard let lock = try environment.takeRunLock() else { return }
            defer { lock.release() }
            let gateway = environment.gateway
            let released = releaseHeld ? try await gateway.releaseHeld(to: to.map { EmailAddress($0) }) : []
            let report = try await gateway.send(through: try environment.transport(maildir: maildir), releasing: released)
            try await environment.store.flush()
            let held = report.heldMail.reduce(0) { $0 + $1.count }
            print(
                "delivered \(report.delivered), deferred \(report.deferred), failed \(report.failed), held \(held), still queued \(report.stillQueued)"
                    + (releaseHeld ? ", released \(report.released)" : ""))
            printHeld(report.heldMail)
            if let failure = report.sessionFailure {
                print("  not sent: \(failure)")
            } else if report.stillQueued > held {
                print("  \(report.stillQueued - held) waiting for their next try after a temporary failure (see the log's \"delivery deferred\")")
            }
            if report.sessionRefused != nil { throw ExitCode(ExitStatus.configuration) }
            if report.sessionUnavailable != nil || report.deferred > 0 { throw ExitCode(ExitStatus.temporaryFailure) }
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Read and validate the configuration file and templates; exit 78 naming the first mistake.",
            discussion: """
                With --connect, also log in to the IMAP and SMTP servers (with the configured TLS settings) and to \
                PostgreSQL, one line each: OK or the exact failure. Exit status: 0 all OK; 78 a configuration \
                mistake (also a refused login or TLS required and not offered); 75 a server that cannot be \
                reached now.
                """)

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Also log in to the configured IMAP, SMTP and PostgreSQL servers.") var connect = false

        func run() async throws {
            try await guarded {
                let configuration = try GatewayConfiguration.load(from: options.configurationPath)
                let templates = try TemplateLibrary(overridesIn: configuration.templatesDirectory)
                for rule in configuration.workflow.routing.rules where !templates.names.contains(rule.template) {
                    throw ConfigurationError(
                        file: configuration.file, key: "notifications", line: nil,
                        problem: "the template '\(rule.template)' for \(rule.kind.rawValue) does not exist; expected one of \(templates.names.sorted().joined(separator: ", "))")
                }
                let registry = configuration.workflow.registry
                print("\(configuration.file): OK")
                print("  \(registry.teams.count) EA teams, \(registry.stacks.count) stacks, \(registry.releaseManagers.count) release managers")
                let store: String =
                    switch configuration.store {
                    case .sqlite(let path): path
                    case .postgresql(let settings): "\(settings.url) (tls \(settings.tls.rawValue))"
                    }
                print("  store \(store); outbox \(configuration.outboxMaildir ?? "(none)")")
                print("  \(configuration.workflow.routing.rules.count) notification rules, \(templates.names.count) templates")
                let caListing = try? FileManager.default.contentsOfDirectory(atPath: configuration.smime.caDirectory)
                _ = try Environment.messageWriter(configuration)
                let keyringWarnings = configuration.openpgp.map { OpenPGPSignatureVerifier(settings: $0).warnings } ?? []
                for warning in configuration.warnings + configuration.smimeCRLWarnings(caDirectoryListing: caListing) + keyringWarnings {
                    print("warning: \(warning)")
                }
                if connect {
                    let status = try await Self.checkConnections(configuration)
                    if status != 0 { throw ExitCode(status) }
                }
            }
        }
    }
}
