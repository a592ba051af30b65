import Foundation
import Logging
import PostgresNIO
import RolloutCore
import RolloutGateway

/// The store on PostgreSQL, for several gateway instances on one database (on any host).
///
/// The same rules as the SQLite store, kept by the database instead of one writer at a time:
/// - every ``commit(_:)`` is one transaction; the ticket rows it changes are locked (`FOR UPDATE`) and their row
///   versions checked against those loaded: another instance's change makes it ``StoreError/conflict(_:)``;
/// - the messages-seen key is inserted first in the transaction of its effects: of two instances applying the same
///   message, the second waits for the first and gets ``StoreError/alreadySeen(_:)``;
/// - outbox messages and due timers are claimed (`FOR UPDATE SKIP LOCKED`) until `claimSeconds` from now, so that
///   two instances never take the same ones, and a crashed instance's claims come back by themselves.
///
/// Migrations run by themselves on first use (``migrate()``), under an advisory lock.
/// Its connections are served while ``withRunning(_:)`` runs (postgres-nio's `PostgresClient.run()`, a child task
/// of the caller's): before and after, every use is refused as ``StoreError/unavailable(_:)``.
public final class PostgresTicketStore: TicketStore, StoreTransaction {
    let client: PostgresClient
    let logger: Logger
    /// Where the database is, for messages (never with a password).
    public let location: String
    public let maxDeliveryAttempts: Int
    /// How long a claim on an outbox message or a timer lasts.
    public let claimSeconds: Int
    /// Where the store's own timestamps come from (a reserved number's time, a commit without a dated history).
    public let clock: DateSource
    /// Whether the pool runs: before ``withRunning(_:)``, during, after.
    let running = PoolRun()
    /// The last limit below which this process forgot answer counts.
    let answerCountPruning = AnswerCountPruning()
    private let migrated = MigrationGate()

    /// Connects (lazily: the first use opens connections and migrates) to the database of `settings`.
    public init(
        settings: PostgreSQLSettings, password: String?, maxDeliveryAttempts: Int = 10, clock: DateSource = .system,
        logger: Logger = Logger(label: "store-postgresql")
    ) throws {
        self.clock = clock
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: password, database: settings.database,
            tls: try Self.tls(settings))
        configuration.options.maximumConnections = max(2, settings.connections)
        configuration.options.connectTimeout = .seconds(10)
        // The server's name in the certificate is the configured host.
        configuration.options.tlsServerName = settings.tls == .disable ? nil : settings.host
        var background = logger
        background.logLevel = .critical  // the pool's own chatter (reconnects) is reported through the store's errors
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        self.logger = logger
        self.location = settings.url
        self.maxDeliveryAttempts = maxDeliveryAttempts
        self.claimSeconds = settings.claimSeconds
        var direct = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: password, database: settings.database,
            tls: try Self.connectionTLS(settings))
        direct.options.tlsServerName = settings.tls == .disable ? nil : settings.host
        self.directConfiguration = direct
    }

    /// One connection outside the pool, for the migrations: an unreachable server or a refused login is reported at
    /// once (the pool would keep trying to connect for a while).
    private let directConfiguration: PostgresConnection.Configuration

    /// The TLS of `settings` (nil when disabled): the certificate and host name verified, against `ca_file` when set.
    private static func tlsConfiguration(_ settings: PostgreSQLSettings) throws -> TLSConfiguration? {
        guard settings.tls != .disable else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile = settings.caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw StoreError.unavailable("the CA file \(caFile) cannot be read as PEM certificates (\(error))")
            }
        }
        return tls
    }

    /// The pool's TLS.
    private static func tls(_ settings: PostgreSQLSettings) throws -> PostgresClient.Configuration.TLS {
        guard let tls = try tlsConfiguration(settings) else { return .disable }
        return settings.tls == .require ? .require(tls) : .prefer(tls)
    }

    /// The direct connection's TLS (the same configuration, as a context).
    private static func connectionTLS(_ settings: PostgreSQLSettings) throws -> PostgresConnection.Configuration.TLS {
        guard let tls = try tlsConfiguration(settings) else { return .disable }
        let context = try NIOSSLContext(configuration: tls)
        return settings.tls == .require ? .require(context) : .prefer(context)
    }

    /// Runs `body` on a connection of its own, closed after.
    func withDirectConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(
            on: PostgresClient.defaultEventLoopGroup.next(), configuration: directConfiguration, id: 0, logger: PostgresConnection.quiet
        ).get()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs pending migrations now (else the first use does). Refuses a schema newer than this binary.
    public func migrate() async throws {
        try await migrated.once {
            do {
                try await self.withDirectConnection { connection in
                    try await PostgresSchema.migrate(connection, logger: self.logger)
                }
            } catch {
                throw self.translate(error)
            }
        }
    }

    /// Migrates only up to `version` (for tests of the migrations from an earlier version).
    func migrate(upTo version: Int) async throws {
        do {
            try await withDirectConnection { connection in
                try await PostgresSchema.migrate(connection, upTo: version, logger: self.logger)
            }
        } catch {
            throw translate(error)
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one connection of the pool (postgres-nio's `withTransaction`): committed when
    /// it returns, rolled back when it throws. A transaction nested in it is a savepoint (``PostgresTransaction``).
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await transaction(singleCall: false) { try await body($0) }
    }

    /// Runs `body` in a transaction of its own; `singleCall` when it is one method of the store, atomic as a whole.
    func transaction<T: Sendable>(singleCall: Bool = true, _ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await pooled { client in
            try await client.withTransaction(logger: PostgresConnection.quiet) { connection in
                let transaction = PostgresTransaction(
                    connection: connection, store: self, depth: 0, singleCall: singleCall, savepoints: SavepointNames(), mark: nil,
                    failure: StatementFailure())
                defer { transaction.use.end() }
                let result = try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                    try await body(transaction)
                }
                // Never a COMMIT of a transaction the server aborted (it would roll back, and say so only in its tag).
                try transaction.failure.check()
                return result
            }
        }
    }

    /// Runs `body` on one connection of the pool, outside a transaction (each statement commits by itself).
    func connection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await pooled { client in try await client.withConnection { connection in try await body(connection) } }
    }

    /// Runs `body` with the pool, once the schema is migrated; refused unless the pool runs (``withRunning(_:)``).
    private func pooled<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        try running.check(location)
        try await migrate()
        do {
            return try await body(client)
        } catch {
            throw translate(error)
        }
    }
}

/// Runs the migrations once per store, and again after a failure.
actor MigrationGate {
    private var done = false

    func once(_ body: @Sendable () async throws -> Void) async throws {
        guard !done else { return }
        try await body()
        done = true
    }
}
