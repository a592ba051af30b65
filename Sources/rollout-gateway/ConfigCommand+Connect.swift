import Foundation
import Logging
import MailCurl
import RolloutGateway
import StorePostgres

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

    /// Logs in to the PostgreSQL database and reads its schema version — without migrating or creating anything, so
    /// that checking a new binary against the database of running instances changes nothing under them.
    private static func checkStore(_ configuration: GatewayConfiguration) async -> ConnectionCheck {
        guard case .postgresql(let settings) = configuration.store else { return ConnectionCheck(.ok, "not PostgreSQL") }
        var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
        logger.logLevel = .critical
        do {
            guard let store = try Environment.openStore(configuration, logger: logger) as? PostgresTicketStore else {
                return ConnectionCheck(.ok, "not PostgreSQL")
            }
            let versions = try await store.schemaVersions()
            if versions.database > versions.binary {
                return ConnectionCheck(
                    .configurationFailure,
                    "\(settings.url): logged in; the schema is version \(versions.database), newer than this binary's \(versions.binary): upgrade rollout-gateway")
            }
            let schema =
                versions.database == versions.binary
                ? "schema version \(versions.database), this binary's"
                : "schema version \(versions.database); the first run of this binary migrates it to \(versions.binary)"
            return ConnectionCheck(.ok, "\(settings.url): logged in, \(schema)")
        } catch let error as ConfigurationError {
            return ConnectionCheck(.configurationFailure, "\(settings.url): \(error)")
        } catch {
            return ConnectionCheck(.temporaryFailure, "\(settings.url): \(error)")
        }
    }
}
