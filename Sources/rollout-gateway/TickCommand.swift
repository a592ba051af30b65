import ArgumentParser
import Foundation
import RolloutGateway

struct TickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick", abstract: "Fire every timer due now: deadlines, escalations, testing reminders.")

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await guarded {
            let environment = try Environment(options, label: "tick")
            // On a shared database, due timers are claimed one by one instead.
            guard let lock = try environment.takeRunLock() else { return }
            defer { lock.release() }
            let report = try await environment.gateway.tick()
            print("fired \(report.fired.count) timers, queued \(report.notifications) notifications")
        }
    }
}

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Deliver the outbox: over SMTP when `smtp` is configured, else into the outbox Maildir.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Deliver into this Maildir instead.") var maildir: String?

    func run() async throws {
        try await guarded {
            // Each delivery is committed as soon as it is known; a commit without its own fsync survives a killed
            // process (SQLite WAL), and the flush at the end makes them all durable against a power loss.
            let environment = try Environment(options, label: "send", groupCommits: true)
            // One sender at a time on a SQLite store: two would both read the same queued messages. On a shared
            // database, outbox messages are claimed one by one instead.
            guard let lock = try environment.takeRunLock() else { return }
            defer { lock.release() }
            let report = try await environment.gateway.send(through: try environment.transport(maildir: maildir))
            try await environment.gateway.store.flush()
            print(
                "delivered \(report.delivered), deferred \(report.deferred), failed \(report.failed), held \(report.held), still queued \(report.stillQueued)")
            if report.sessionRefused != nil { throw ExitCode(ExitStatus.configuration) }
            if report.deferred > 0 { throw ExitCode(ExitStatus.temporaryFailure) }
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and validate the configuration file and templates; exit 78 naming the first mistake.")

        @OptionGroup var options: GlobalOptions

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
                for warning in configuration.warnings { print("warning: \(warning)") }
            }
        }
    }
}
