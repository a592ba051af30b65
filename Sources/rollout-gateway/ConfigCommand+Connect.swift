import Foundation
import Logging
import MailCurl
import RolloutGateway

extension ConfigCommand.Check {
    /// `--connect`: logs in to each configured server with the configured TLS settings and credentials, and prints
    /// one line for each: OK, or the exact failure.
    ///
    /// - Returns: the exit status: 0 when every server took the login; 78 when one failure is the configuration's
    ///   (a wrong password, TLS required and not offered, a bad certificate, a mailbox that does not exist); else 75.
    static func checkConnections(_ configuration: GatewayConfiguration) async throws -> Int32 {
        var checks: [(name: String, check: ConnectionCheck)] = []
        if let imap = configuration.imap {
            let settings = try Environment.imapConfiguration(configuration, imap)
            checks.append(("imap", await IMAPFetcher.checkConnection(settings, mailbox: imap.mailbox)))
        }
        if let smtp = configuration.smtp {
            checks.append(("smtp", await SMTPTransport.checkConnection(try Environment.smtpConfiguration(configuration, smtp))))
        }
        if case .postgresql = configuration.store { checks.append(("store", await checkStore(configuration))) }
        if checks.isEmpty { print("connect: no server configured (no imap, smtp or store.postgresql)") }
        for (name, check) in checks {
            switch check.verdict {
            case .ok: print("connect \(name): OK \(check.detail)")
            case .configurationFailure: print("connect \(name): FAILED (configuration) \(check.detail)")
            case .temporaryFailure: print("connect \(name): FAILED (temporary) \(check.detail)")
            }
        }
        let verdicts = checks.map(\.check.verdict)
        if verdicts.contains(.configurationFailure) { return ExitStatus.configuration }
        if verdicts.contains(.temporaryFailure) { return ExitStatus.temporaryFailure }
        return 0
    }

    /// Opens the PostgreSQL store (its schema created on first use, as `run` would) and counts its outbox.
    private static func checkStore(_ configuration: GatewayConfiguration) async -> ConnectionCheck {
        guard case .postgresql(let settings) = configuration.store else { return ConnectionCheck(.ok, "not PostgreSQL") }
        var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
        logger.logLevel = .critical
        do {
            let store = try Environment.openStore(configuration, logger: logger)
            let counts = try await store.outboxCounts()
            return ConnectionCheck(.ok, "\(settings.url): logged in, \(counts.queued) messages queued")
        } catch let error as ConfigurationError {
            return ConnectionCheck(.configurationFailure, "\(settings.url): \(error)")
        } catch {
            return ConnectionCheck(.temporaryFailure, "\(settings.url): \(error)")
        }
    }
}
