import DowntimesGOCDB
import ArchiveZIP
import Foundation
import Logging
import MailCurl
import MailGMime
import MailMaildir
import PublicSuffixPSL
import RolloutCore
import RolloutGateway
import SignatureOpenPGP
import SignatureSMIME
import StoreMemory
import StorePostgres
import StoreSQLite

/// The composition root: configuration, store, clock, hooks and templates wired into a ``Gateway``.
struct Environment {
    /// The configuration, its registry merged with the directory's last snapshot when one is configured (issue 22).
    let configuration: GatewayConfiguration
    /// The store, every port of it: commands take the ones they use.
    let store: any TicketStore
    let gateway: Gateway
    /// The snapshot the registry was merged with; nil without a directory or before its first sync.
    let directorySnapshot: StoredDirectorySnapshot?
    /// The file's own configuration, before the merge (the directory's next snapshot merges with it again).
    let configured: GatewayConfiguration
    private let templates: TemplateLibrary
    private let options: GlobalOptions
    /// Checks signed mail against the IGTF CA directory (`inbound.smime`) and the OpenPGP keyring (`inbound.openpgp`), when `inbound.strong_by` lists `signature`.
    let signatureVerifier: (any SignatureVerifier)?

    /// - Parameter groupCommits: the store syncs on its `flush()` instead of on every commit.
    /// - Parameter opened: the configuration and store a command already read and opened (`tick`'s look at the due
    ///   timers), used instead of reading and opening them again.
    init(
        _ options: GlobalOptions, label: String, openStore: Bool = true, groupCommits: Bool = false,
        opened: (configuration: GatewayConfiguration, store: any TicketStore)? = nil
    ) async throws {
        let logger = Self.logger(options, label: label)
        let configuration = try opened?.configuration ?? GatewayConfiguration.load(from: options.configurationPath)
        let templates = try TemplateLibrary(overridesIn: configuration.templatesDirectory)
        let clock = try options.fixedNow().map(DateSource.constant) ?? .system
        let store: any TicketStore
        if let opened {
            store = opened.store
        } else if openStore {
            store = try Self.openStore(configuration, groupCommits: groupCommits, clock: clock, logger: logger)
        } else {
            store = MemoryTicketStore()  // `explain --no-store`: an empty store that nothing is written to
        }
        let snapshot = configuration.directory == nil ? nil : try await (store as? any DirectoryStore)?.directorySnapshot()
        try self.init(options, configured: configuration, store: store, snapshot: snapshot, templates: templates, clock: clock, logger: logger)
    }

    private init(
        _ options: GlobalOptions, configured: GatewayConfiguration, store: any TicketStore, snapshot: StoredDirectorySnapshot?,
        templates: TemplateLibrary, clock: DateSource, logger: Logger
    ) throws {
        var configuration = configured
        if let settings = configured.directory, let snapshot {
            configuration.workflow.registry = configured.workflow.registry.merged(with: snapshot.snapshot, settings)
        }
        self.options = options
        self.configured = configured
        self.configuration = configuration
        self.templates = templates
        self.store = store
        self.directorySnapshot = snapshot
        var gateway = Gateway(
            configuration: configuration, store: store,
            hooks: ProcessHookRunner(commands: configuration.hooks, timeoutSeconds: configuration.hookTimeoutSeconds),
            clock: clock, templates: templates, logger: logger,
            signer: try configuration.replyAddressSigner(), writer: try Self.messageWriter(configuration),
            organizationalDomains: try Self.organizationalDomains(configuration)
        ).probing(Self.betaDowntimeProbe(configuration))
        gateway.archiver = ZIPArchiveWriter()
        self.gateway = gateway
        signatureVerifier =
            configuration.strongBases.contains(.signature)
            ? SignatureVerifiers(
                [SMIMESignatureVerifier(settings: configuration.smime)] + (configuration.openpgp.map { [OpenPGPSignatureVerifier(settings: $0)] } ?? []))
            : nil
    }

    /// Mail in, with the parser and signature verifier of this installation.
    func ingest(usesStore: Bool = true) -> Ingest {
        Ingest(gateway: gateway, parser: GMimeMailParser(), usesStore: usesStore, verifier: signatureVerifier)
    }

    /// The people as the store's directory snapshot says now, merged with the file's (a long-running `serve` reads it per
    /// request); nil without a directory.
    var registryNow: (@Sendable () async throws -> Registry)? {
        guard let settings = configured.directory, let directory = store as? any DirectoryStore else { return nil }
        let fromFile = configured.workflow.registry
        return {
            guard let snapshot = try await directory.directorySnapshot() else { return fromFile }
            return fromFile.merged(with: snapshot.snapshot, settings)
        }
    }

    /// The same environment with its registry merged with `snapshot` (after a sync).
    func using(_ snapshot: StoredDirectorySnapshot) throws -> Environment {
        try Environment(
            options, configured: configured, store: store, snapshot: snapshot, templates: templates, clock: gateway.clock,
            logger: gateway.logger)
    }
}

extension Environment {
    /// The log of one run, labelled with its command.
    static func logger(_ options: GlobalOptions, label: String) -> Logger {
        var logger = Logger(label: "rollout-gateway") { KeyValueLogHandler(label: $0) }
        logger.logLevel = options.verbose ? .debug : .info
        logger[metadataKey: "run"] = "\(label)"
        return logger
    }

    /// GOCDB, when `gocdb:` is configured: asked for the accepted teams' beta downtimes.
    static func betaDowntimeProbe(_ configuration: GatewayConfiguration) -> BetaDowntimeProbe? {
        guard let settings = configuration.gocdb else { return nil }
        let fetch = HTTPFetch(caFile: settings.caFile, clientCertificateFile: settings.certificateFile, clientKeyFile: settings.keyFile)
        return BetaDowntimeProbe(
            source: GOCDBClient(url: settings.url, fetch: fetch), sites: settings.sites, serviceTypes: settings.serviceTypes)
    }

    /// GMime's writer, signing with the gateway's certificate when `outbox.smime` is set; a key that cannot be read
    /// or does not belong to the certificate is a configuration error (exit 78), not mail that silently goes unsigned.
    static func messageWriter(_ configuration: GatewayConfiguration) throws -> any MessageWriter {
        guard let settings = configuration.outboxSigning else { return GMimeMessageWriter() }
        do {
            return SigningMessageWriter(GMimeMessageWriter(), signer: try SMIMEMessageSigner(settings: settings))
        } catch {
            throw ConfigurationError(file: configuration.file, key: "outbox.smime", line: nil, problem: "\(error)")
        }
    }

    /// The Public Suffix List (libpsl) when `inbound.dkim_alignment: relaxed` asks for it; an error when libpsl has
    /// none, rather than a silent strict alignment the operator did not choose.
    static func organizationalDomains(_ configuration: GatewayConfiguration) throws -> (any OrganizationalDomains)? {
        guard configuration.dkimAlignment == .relaxed else { return nil }
        guard let domains = PublicSuffixListDomains() else {
            throw ConfigurationError(
                file: configuration.file, key: "inbound.dkim_alignment", line: nil,
                problem: "relaxed needs the Public Suffix List, and libpsl has none (apt-get install libpsl5 publicsuffix)")
        }
        return domains
    }

    /// The configured store: the SQLite file, or the PostgreSQL database (its password read now).
    static func openStore(
        _ configuration: GatewayConfiguration, groupCommits: Bool = false, clock: DateSource = .system, logger: Logger
    ) throws -> any TicketStore & StoreTransfer {
        switch configuration.store {
        case .sqlite(let path):
            return try SQLiteTicketStore(
                path: path, maxDeliveryAttempts: configuration.maxDeliveryAttempts, groupCommits: groupCommits, clock: clock,
                mapBytes: configuration.sqliteMapBytes)
        case .postgresql(let settings):
            let password: String?
            do {
                password = try settings.password(environment: ProcessInfo.processInfo.environment)
            } catch let problem as PostgreSQLSettings.URLProblem {
                throw ConfigurationError(file: configuration.file, key: "store.postgresql.password_file", line: nil, problem: problem.message)
            }
            let store = try PostgresTicketStore(
                settings: settings, password: password, maxDeliveryAttempts: configuration.maxDeliveryAttempts, clock: clock, logger: logger)
            // Its connections are served by a child task of the command's task group, until the command's work ends.
            ServiceHost.current?.run(try store.runner())
            return store
        }
    }

    /// The lock file beside a SQLite store that keeps two runs on this host apart; nil for a shared database,
    /// where claims and the per-mailbox lock (``mailboxLock``) do that.
    var localLockPath: String? {
        if case .sqlite(let path) = configuration.store { return path + ".lock" }
        return nil
    }

    /// The lock that serialises `run` cycles per mailbox across instances, when the store offers one.
    var mailboxLock: (any MailboxLock)? { store as? any MailboxLock }

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
        return SMTPTransport(configuration: try Self.smtpConfiguration(configuration, smtp), logger: gateway.logger)
    }
}

extension Environment {
    /// The IMAP adapter for the configured mailbox.
    func imapFetcher(_ settings: MailServerSettings) throws -> any MailFetcher {
        IMAPFetcher(configuration: try Self.imapConfiguration(configuration, settings), logger: gateway.logger)
    }
}
