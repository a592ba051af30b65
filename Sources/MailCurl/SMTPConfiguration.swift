import Foundation

/// Where and how ``SMTPTransport`` submits mail: server URL, EHLO name, TLS, credentials, timeouts.
///
/// The URL is `smtp://host:port` (STARTTLS according to ``startTLS``) or `smtps://host:port`
/// (implicit TLS, RFC 8314). Credentials never come from the configuration file: read them with
/// ``credentials(fromFile:)`` or ``credentials(fromEnvironment:userVariable:passwordVariable:)``.
public struct SMTPConfiguration: Sendable {
    /// What to do about STARTTLS (RFC 3207) on an `smtp://` URL; ignored for `smtps://`.
    public enum STARTTLSPolicy: String, Sendable, CaseIterable {
        /// Fail unless the server offers STARTTLS and the handshake succeeds.
        case required
        /// Use STARTTLS when offered, otherwise send in clear (open to a downgrade by anyone on the path).
        case opportunistic
        /// Never use TLS (a local MTA on loopback).
        case off
    }

    /// `scheme://host:port`, without path or credentials: used in logs and failure reasons.
    public let server: String
    /// The name sent in EHLO (libcurl takes it from the URL path); `nil`: libcurl uses the machine's host name.
    public let ehloName: String?
    public let startTLS: STARTTLSPolicy
    /// Username and password for SMTP AUTH, or `nil` for none.
    public let credentials: SMTPCredentials?
    /// Whether the server's certificate and host name are checked. Turn off only for tests.
    public let verifyCertificates: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    public let caFile: String?
    /// Limit for connecting (TCP and TLS handshake).
    public let connectTimeout: Duration
    /// Limit for one whole message (connect, envelope, data, final reply).
    public let messageTimeout: Duration

    /// The URL given to libcurl: the server plus the EHLO name as path.
    var curlURL: String { ehloName.map { "\(server)/\($0)" } ?? server }
    var isImplicitTLS: Bool { server.hasPrefix("smtps://") }
    let host: String

    /// Validates and stores an SMTP configuration.
    ///
    /// - Parameters:
    ///   - url: `smtp://host[:port][/ehlo-name]` or `smtps://host[:port][/ehlo-name]`; the port defaults to 25 or 465.
    ///   - ehloName: the EHLO name, if the URL has no path.
    ///   - credentials: refused over a connection that might be unencrypted, unless the host is loopback.
    /// - Throws: ``SMTPConfigurationError`` naming the problem and the fix.
    public init(
        url: String, ehloName: String? = nil, startTLS: STARTTLSPolicy = .required, credentials: SMTPCredentials? = nil,
        verifyCertificates: Bool = true, caFile: String? = nil, connectTimeout: Duration = .seconds(10),
        messageTimeout: Duration = .seconds(120)
    ) throws(SMTPConfigurationError) {
        let scheme: String
        let defaultPort: Int
        var rest: Substring
        if url.lowercased().hasPrefix("smtp://") {
            (scheme, defaultPort, rest) = ("smtp", 25, url.dropFirst("smtp://".count))
        } else if url.lowercased().hasPrefix("smtps://") {
            (scheme, defaultPort, rest) = ("smtps", 465, url.dropFirst("smtps://".count))
        } else {
            throw SMTPConfigurationError("SMTP URL '\(url)' must start with smtp:// or smtps://")
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if rest.contains("@") {
            throw SMTPConfigurationError(
                "SMTP URL must not contain credentials: give them in a file or the environment instead")
        }
        var host = rest
        var port = defaultPort
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            host = rest[..<colon]
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw SMTPConfigurationError("SMTP URL '\(url)' has an invalid port: write smtp://host:port")
            }
            port = number
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) else {
            throw SMTPConfigurationError("SMTP URL '\(url)' has no valid host: write smtp://host:port")
        }
        if !path.isEmpty, let ehloName, ehloName != String(path) {
            throw SMTPConfigurationError(
                "the EHLO name is given twice ('\(path)' in the URL, '\(ehloName)' apart): give it once")
        }
        let name = path.isEmpty ? ehloName : String(path)
        if let name, name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "/" || !$0.isASCII }) {
            throw SMTPConfigurationError("EHLO name '\(name)' must be an ASCII domain name or address literal")
        }
        self.host = String(host).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(self.host.lowercased())
        if credentials != nil, scheme == "smtp", startTLS != .required, !loopback {
            throw SMTPConfigurationError(
                "SMTP credentials would go to \(host) unencrypted: use smtps:// or STARTTLS 'required'")
        }
        if connectTimeout <= .zero || messageTimeout <= .zero {
            throw SMTPConfigurationError("SMTP timeouts must be positive")
        }
        self.server = "\(scheme)://\(host):\(port)"
        self.ehloName = name
        self.startTLS = startTLS
        self.credentials = credentials
        self.verifyCertificates = verifyCertificates
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.messageTimeout = messageTimeout
    }

    /// Reads credentials from a file holding `user:password` on one line, or the user and the password on two lines.
    ///
    /// - Throws: ``SMTPConfigurationError`` when the file cannot be read or has neither form.
    public static func credentials(fromFile path: String) throws(SMTPConfigurationError) -> SMTPCredentials {
        switch MailCredentials.read(fromFile: path, service: "SMTP") {
        case .success(let credentials): return credentials
        case .failure(let problem): throw SMTPConfigurationError(problem.message)
        }
    }

    /// Reads credentials from two environment variables; `nil` when neither is set.
    ///
    /// - Throws: ``SMTPConfigurationError`` when only one of the two is set.
    public static func credentials(
        fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment,
        userVariable: String = "ROLLOUT_SMTP_USER", passwordVariable: String = "ROLLOUT_SMTP_PASSWORD"
    ) throws(SMTPConfigurationError) -> SMTPCredentials? {
        switch MailCredentials.read(fromEnvironment: environment, userVariable: userVariable, passwordVariable: passwordVariable) {
        case .success(let credentials): return credentials
        case .failure(let problem): throw SMTPConfigurationError(problem.message)
        }
    }
}


/// A mistake in the SMTP configuration: what is wrong and how to fix it. Not a delivery failure.
public struct SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    /// Wraps a message that says what is wrong and what to do.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
