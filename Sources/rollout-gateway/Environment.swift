import Foundation
import Logging
import MailCurl
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway
import StorePostgres
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
        let store: any TicketStore = openStore ? try Self.openStore(configuration, groupCommits: groupCommits, logger: logger) : NoStore()
        gateway = Gateway(
            configuration: configuration, store: store,
            hooks: ProcessHookRunner(commands: configuration.hooks, timeoutSeconds: configuration.hookTimeoutSeconds),
            clock: clock, templates: templates, logger: logger,
            signer: try configuration.replyAddressSigner(), writer: GMimeMessageWriter())
    }
}

extension Environment {
    /// The configured store: the SQLite file, or the PostgreSQL database (its password read now).
    static func openStore(_ configuration: GatewayConfiguration, groupCommits: Bool = false, logger: Logger) throws -> any TicketStore & StoreTransfer {
        switch configuration.store {
        case .sqlite(let path):
            return try SQLiteTicketStore(path: path, maxDeliveryAttempts: configuration.maxDeliveryAttempts, groupCommits: groupCommits)
        case .postgresql(let settings):
            let password: String?
            do {
                password = try settings.password(environment: ProcessInfo.processInfo.environment)
            } catch let problem as PostgreSQLSettings.URLProblem {
                throw ConfigurationError(file: configuration.file, key: "store.postgresql.password_file", line: nil, problem: problem.message)
            }
            return try PostgresTicketStore(
                settings: settings, password: password, maxDeliveryAttempts: configuration.maxDeliveryAttempts, logger: logger)
        }
    }

    /// The lock file beside a SQLite store that keeps two runs on this host apart; nil for a shared database,
    /// where claims and the per-mailbox lock (``mailboxLock``) do that.
    var localLockPath: String? {
        if case .sqlite(let path) = configuration.store { return path + ".lock" }
        return nil
    }

    /// The lock that serialises `run` cycles per mailbox across instances, when the store offers one.
    var mailboxLock: (any MailboxLock)? { gateway.store as? any MailboxLock }

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

/// Stands in for the store when `explain --no-store` must not touch it; every use is a programming error.
struct NoStore: TicketStore {
    private func absent() -> any Error { GatewayError.invalidInput("the store is not open (--no-store)") }
    func createRelease(_ release: ComponentRelease, links: ReleaseLinks, at: Date, cause: Cause) async throws -> ReleaseTicket { throw absent() }
    func reserveTicketID() async throws -> TicketID { throw absent() }
    func load(_ ticket: TicketID) async throws -> StoredCase? { nil }
    func commit(_ commit: StoreCommit) async throws { throw absent() }
    func recordSeen(_ message: SeenMessage, at: Date, outbox: [OutgoingMessage]) async throws { throw absent() }
    func outboxCount(to address: EmailAddress, kind: String, since: Date) async throws -> Int { 0 }
    func hasSeen(_ key: String) async throws -> Bool { false }
    func flush() async throws {}
    func dueTimers(at now: Date) async throws -> [DueTimer] { [] }
    func markFired(_ key: TimerKey, at: Date) async throws { throw absent() }
    func ticketSummaries() async throws -> [TicketSummary] { [] }
    func history(of ticket: TicketID) async throws -> [HistoryEntry] { [] }
    func timers(of ticket: TicketID) async throws -> [DueTimer] { [] }
    func attachments(of ticket: TicketID) async throws -> [StoredAttachment] { [] }
    func pendingOutbox(at now: Date, limit: Int) async throws -> [OutgoingMessage] { [] }
    func recordDelivery(_ outcome: DeliveryOutcome, for message: OutgoingMessage, at: Date) async throws { throw absent() }
    func outboxCounts() async throws -> (queued: Int, sent: Int, failed: Int) { (0, 0, 0) }
    func deliveredCount(to address: EmailAddress, since: Date) async throws -> Int { 0 }
    func deliveredCount(ticket: TicketID, since: Date) async throws -> Int { 0 }
    func queuedCount(ticket: TicketID, kind: String, since: Date) async throws -> Int { 0 }
    func postpone(_ message: OutgoingMessage, until: Date) async throws { throw absent() }
    func cursor(of mailbox: String) async throws -> MailboxCursor? { nil }
    func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws { throw absent() }
    func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int { throw absent() }
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
