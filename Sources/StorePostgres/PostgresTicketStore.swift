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
public final class PostgresTicketStore: TicketStore {
    let client: PostgresClient
    let logger: Logger
    /// Where the database is, for messages (never with a password).
    public let location: String
    public let maxDeliveryAttempts: Int
    /// How long a claim on an outbox message or a timer lasts.
    public let claimSeconds: Int
    /// Where the store's own timestamps come from (a reserved number's time, a commit without a dated history).
    public let clock: DateSource
    private let runner: Task<Void, Never>
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
        self.runner = Task { await client.run() }
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

    deinit {
        runner.cancel()
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

    /// The schema version the database is at (0 when empty), without migrating.
    public func schemaVersion() async throws -> Int {
        do {
            return try await client.withConnection { connection in
                let exists: Bool = try await connection.rows("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")[0].get("present")
                guard exists else { return 0 }
                return try await connection.rows("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")[0].get("version")
            }
        } catch {
            throw translate(error)
        }
    }

    // MARK: Connections and transactions

    /// Runs `body` on one connection, outside a transaction (each statement commits by itself).
    func connection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await migrate()
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw translate(error)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await connection { connection in
            try await connection.execute("BEGIN")
            do {
                let result = try await body(connection)
                try await connection.execute("COMMIT")
                return result
            } catch {
                _ = try? await connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// The store's error for a database error: busy when waiting will do, unavailable when the database cannot be
    /// reached or used. The text names the server's message and code, never the query's values.
    func translate(_ error: any Error) -> any Error {
        if error is StoreError { return error }
        if String(describing: type(of: error)).contains("ConnectionPoolError") {
            return StoreError.unavailable("\(location): no connection to the database could be made (\(error))")
        }
        if let error = error as? NIOConnectionError {
            return StoreError.unavailable("\(location): the database cannot be reached (\(error.host):\(error.port)); expected a PostgreSQL server at that address")
        }
        if error is ChannelError || error is IOError {
            return StoreError.unavailable("\(location): the database cannot be reached (\(error))")
        }
        guard let error = error as? PSQLError else { return error }
        let place = location
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let text = "\(info[.message] ?? "server error") (SQLSTATE \(state))"
            switch state {
            // serialization failure, deadlock, lock not available, query cancelled, too many connections,
            // starting up or shutting down
            case "40001", "40P01", "55P03", "57014", "53300", "57P03", "57P01", "57P02":
                return StoreError.busy("\(place): \(text)")
            // authentication, no such database, no permission, disk full, read-only
            case "28P01", "28000", "3D000", "42501", "53100", "25006":
                return StoreError.unavailable("\(place): \(text)")
            default:
                if state.hasPrefix("08") { return StoreError.unavailable("\(place): \(text)") }
                // A data exception (a NUL in text, a value out of range): this event's data, not the database.
                if state.hasPrefix("22") { return StoreError.refused("\(place): \(text)") }
                return StoreError.unavailable("\(place): unexpected database error: \(text)")
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return StoreError.unavailable("\(place): the database cannot be reached (\(error.code)); expected a PostgreSQL server at that address")
        case .sslUnsupported, .failedToAddSSLHandler:
            return StoreError.unavailable("\(place): the server does not offer TLS (store.postgresql.tls is require)")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return StoreError.unavailable("\(place): authentication failed (\(error.code)); set store.postgresql.password_file or $ROLLOUT_STORE_PASSWORD")
        case .queryCancelled:
            return StoreError.busy("\(place): the query was cancelled")
        default:
            return StoreError.unavailable("\(place): \(error.code)")
        }
    }

    // MARK: Transactions

    /// TEMP shim until part P's transaction lands: the body runs against the store, each write its own transaction
    /// (not atomic).
    public func withTransaction<T: Sendable>(_ body: (any StoreTransaction) async throws -> T) async throws -> T {
        try await body(self)
    }

    /// Commits are durable when they return (synchronous commit): nothing to flush.
    public func flush() async throws {}
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
