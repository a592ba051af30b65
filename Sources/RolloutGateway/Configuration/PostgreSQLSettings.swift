import Foundation

/// `store.postgresql`: where the database is and how to reach it. The password never sits in the configuration:
/// it comes from `password_file`, else from `$ROLLOUT_STORE_PASSWORD`.
public struct PostgreSQLSettings: Sendable, Equatable {
    /// How the connection is encrypted: `require` (the default; certificates verified), `prefer` (TLS when the
    /// server offers it, certificates verified then), `disable`.
    public enum TLSMode: String, Sendable, CaseIterable {
        case require, prefer, disable
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var passwordFile: String?
    public var tls: TLSMode
    /// A private certificate authority's certificates (PEM), instead of the system's.
    public var caFile: String?
    /// How long an instance's claim on an outbox message or a timer lasts: a crashed instance's claims come back
    /// after this time.
    public var claimSeconds: Int
    /// Connections an instance keeps at most.
    public var connections: Int

    public init(
        host: String, port: Int = 5432, user: String, database: String, passwordFile: String? = nil, tls: TLSMode = .require,
        caFile: String? = nil, claimSeconds: Int = 300, connections: Int = 4
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.passwordFile = passwordFile
        self.tls = tls
        self.caFile = caFile
        self.claimSeconds = claimSeconds
        self.connections = connections
    }

    /// The URL as configured (without a password), for messages.
    public var url: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// Parses `postgresql://USER@HOST:PORT/DB` (or `postgres://`); the problem is described when it cannot be used.
    public static func parse(url text: String) -> Result<(host: String, port: Int, user: String, database: String), URLProblem> {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["postgresql", "postgres"].contains(scheme) else {
            return .failure(URLProblem("'\(text)' is not a PostgreSQL URL; expected postgresql://USER@HOST:PORT/DATABASE"))
        }
        guard url.password == nil else {
            return .failure(URLProblem("the URL carries a password; put it in store.postgresql.password_file or $ROLLOUT_STORE_PASSWORD, never in the configuration"))
        }
        guard let host = url.host, !host.isEmpty else {
            return .failure(URLProblem("the URL names no host; expected postgresql://USER@HOST:PORT/DATABASE"))
        }
        guard let user = url.user, !user.isEmpty else {
            return .failure(URLProblem("the URL names no user; expected postgresql://USER@HOST:PORT/DATABASE"))
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(URLProblem("the URL names no database; expected postgresql://USER@HOST:PORT/DATABASE"))
        }
        guard url.query == nil else {
            return .failure(URLProblem("the URL carries parameters (?…); set tls and ca_file as keys of store.postgresql instead"))
        }
        return .success((host, url.port ?? 5432, user.removingPercentEncoding ?? user, database.removingPercentEncoding ?? database))
    }

    public struct URLProblem: Error, Equatable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    /// The password: the first line of `passwordFile`, else `ROLLOUT_STORE_PASSWORD` from `environment`, else none
    /// (for trust, peer or certificate authentication).
    public func password(environment: [String: String]) throws -> String? {
        if let passwordFile {
            let text: String
            do {
                text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } catch {
                throw URLProblem("the password file \(passwordFile) cannot be read (\(error.localizedDescription))")
            }
            let password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard !password.isEmpty else { throw URLProblem("the password file \(passwordFile) is empty; expected the password on its first line") }
            return password
        }
        return environment["ROLLOUT_STORE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
