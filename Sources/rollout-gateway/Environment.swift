import Foundation
import Logging
import MailCurl
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway
import StoreMemory
import StoreSQLite

/// The composition root: configuration, store, clock, hooks and templates wired into a ``Gateway``.
struct Environment {
    let configuration: GatewayConfiguration
    let gateway: Gateway

    /// - Parameter groupCommits: the store syncs on ``Gateway/store``'s `flush()` instead of on every commit.
    init(_ options: GlobalOptions, label: String, openStore: Bool = true, groupCommits: Bool = false) throws {
        var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
        logger.logLevel = options.verbose ? .debug : .info
        logger[metadataKey: "run"] = "\(label)"
        let configuration = try GatewayConfiguration.load(from: options.configurationPath)
        self.configuration = configuration
        let templates = try TemplateLibrary(overridesIn: configuration.templatesDirectory)
        let clock = try options.fixedNow().map(DateSource.constant) ?? .system
        let store: any TicketStore =
            openStore
            ? try SQLiteTicketStore(
                path: configuration.storePath, maxDeliveryAttempts: configuration.maxDeliveryAttempts, groupCommits: groupCommits,
                clock: clock)
            : MemoryTicketStore()  // `explain --no-store`: an empty store that nothing is written to
        gateway = Gateway(
            configuration: configuration, store: store,
            hooks: ProcessHookRunner(commands: configuration.hooks, timeoutSeconds: configuration.hookTimeoutSeconds),
            clock: clock, templates: templates, logger: logger,
            signer: try configuration.replyAddressSigner(), writer: GMimeMessageWriter())
    }
}

extension Environment {
    /// The mail-out adapter: a Maildir when asked for (or when no SMTP server is configured), else SMTP.
    func transport(maildir: String? = nil) throws -> any MailTransport {
        if let root = maildir ?? (configuration.smtp == nil ? configuration.outboxMaildir : nil) {
            return MaildirTransport(root: root)
        }
        guard let smtp = configuration.smtp else {
            throw ConfigurationError(
                file: configuration.file, key: "smtp", line: nil,
                problem: "neither an SMTP server nor an outbox Maildir is configured; expected smtp: { url: … } or outbox: { maildir: PATH }")
        }
        do {
            let credentials =
                try smtp.credentialsFile.map { try SMTPConfiguration.credentials(fromFile: $0) }
                ?? SMTPConfiguration.credentials(fromEnvironment: ProcessInfo.processInfo.environment)
            let settings = try SMTPConfiguration(
                url: smtp.url, ehloName: smtp.helo, startTLS: SMTPConfiguration.STARTTLSPolicy(rawValue: smtp.startTLS) ?? .required,
                credentials: credentials, verifyCertificates: smtp.verifyCertificates, caFile: smtp.caFile)
            return SMTPTransport(configuration: settings, logger: gateway.logger)
        } catch let error as SMTPConfigurationError {
            throw ConfigurationError(file: configuration.file, key: "smtp", line: nil, problem: error.message)
        }
    }
}

extension Environment {
    /// The IMAP adapter for the configured mailbox.
    func imapFetcher(_ settings: MailServerSettings) throws -> any MailFetcher {
        do {
            let credentials =
                try settings.credentialsFile.map { path throws(IMAPConfigurationError) in try IMAPConfiguration.credentials(fromFile: path) }
                ?? IMAPConfiguration.credentials(fromEnvironment: ProcessInfo.processInfo.environment)
            guard let credentials else {
                throw IMAPConfigurationError("no IMAP credentials: set imap.credentials_file, or ROLLOUT_IMAP_USER and ROLLOUT_IMAP_PASSWORD")
            }
            let imap = try IMAPConfiguration(
                url: settings.url, startTLS: IMAPConfiguration.STARTTLSPolicy(rawValue: settings.startTLS) ?? .required,
                credentials: credentials, verifyCertificates: settings.verifyCertificates, caFile: settings.caFile,
                processed: settings.processedKeyword.map { .keyword($0) } ?? .folder(settings.processedFolder ?? "processed"),
                quarantineFolder: settings.quarantineFolder, connections: settings.connections)
            return IMAPFetcher(configuration: imap, logger: gateway.logger)
        } catch let error as IMAPConfigurationError {
            throw ConfigurationError(file: configuration.file, key: "imap", line: nil, problem: error.message)
        }
    }
}
