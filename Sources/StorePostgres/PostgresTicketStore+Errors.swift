import PostgresNIO
import RolloutGateway
import _ConnectionPoolModule

extension PostgresTicketStore {
    /// The store's error for a database error: busy when waiting will do, refused when this event's data is at fault,
    /// unavailable when the database cannot be reached or used. Read from postgres-nio's typed errors and the server's
    /// SQLSTATE, never from type names. The text names the server's message and code, never the query's values.
    func translate(_ error: any Error) -> any Error {
        switch error {
        case is StoreError:
            return error
        case let error as PostgresTransactionError:
            // The body's own error first (the rollback after it is postgres-nio's business), then COMMIT's, then BEGIN's.
            return translate(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? StoreError.busy("\(location): transaction failed"))
        case let error as ConnectionPoolError where error == .connectionCreationCircuitBreakerTripped:
            return StoreError.unavailable("\(location): no connection to the database could be made for a while; expected a PostgreSQL server at that address")
        case let error as NIOConnectionError:
            return StoreError.unavailable("\(location): the database cannot be reached (\(error.host):\(error.port)); expected a PostgreSQL server at that address")
        case is ChannelError, is IOError:
            return StoreError.unavailable("\(location): the database cannot be reached (\(error))")
        case let error as PSQLError:
            return translate(error)
        default:
            return error
        }
    }

    private func translate(_ error: PSQLError) -> StoreError {
        let place = location
        if error.code == .server, let info = error.serverInfo {
            let state = PostgresError.Code(raw: info[.sqlState] ?? "")
            let text = "\(info[.message] ?? "server error") (SQLSTATE \(state.raw))"
            switch state {
            case .serializationFailure, .deadlockDetected, .lockNotAvailable, .queryCanceled, .tooManyConnections, .cannotConnectNow,
                .adminShutdown, .crashShutdown:
                return .busy("\(place): \(text)")
            case .invalidPassword, .invalidAuthorizationSpecification, .invalidCatalogName, .insufficientPrivilege, .diskFull,
                .readOnlySqlTransaction:
                return .unavailable("\(place): \(text)")
            default:
                switch state.raw.prefix(2) {
                case "08": return .unavailable("\(place): \(text)")
                // A data exception (a NUL in text, a value out of range): this event's data, not the database.
                case "22": return .refused("\(place): \(text)")
                // A value past what the database can index or hold (an index row over its limit): this event's too.
                case "54": return .refused("\(place): \(text)")
                // A constraint this driver's statements do not expect to meet (those the workflow races on are read by
                // the statements themselves: ON CONFLICT): a fault to report, never retried as busy.
                case "23": return .brokenConstraint("\(place): \(text)")
                default: return .unavailable("\(place): unexpected database error: \(text)")
                }
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .unavailable("\(place): the database cannot be reached (\(error.code)); expected a PostgreSQL server at that address")
        case .poolClosed:
            return .unavailable("\(place): the store's connections were closed when its work ended")
        case .sslUnsupported, .failedToAddSSLHandler:
            return .unavailable("\(place): the server does not offer TLS (store.postgresql.tls is require)")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return .unavailable("\(place): authentication failed (\(error.code)); set store.postgresql.password_file or $ROLLOUT_STORE_PASSWORD")
        case .queryCancelled:
            return .busy("\(place): the query was cancelled")
        case .tooManyParameters:
            // More values than one statement can bind: this event's data (a mail with thousands of lines), not the store.
            return .refused("\(place): a statement with more values than the protocol can bind")
        default:
            return .unavailable("\(place): \(error.code)")
        }
    }
}
