import Foundation

/// Where and how ``IMAPFetcher`` reads the mail-in mailbox: server URL, TLS, credentials, folders, connections, timeouts.
///
/// The URL is `imap://host:port` (STARTTLS according to ``startTLS``) or `imaps://host:port`
/// (implicit TLS, RFC 8314). Credentials never come from the configuration file: read them with
/// ``credentials(fromFile:)`` or ``credentials(fromEnvironment:userVariable:passwordVariable:)``.
public struct IMAPConfiguration: Sendable {
    /// What to do about STARTTLS (RFC 9051 §6.2.1) on an `imap://` URL; ignored for `imaps://`.
    public typealias STARTTLSPolicy = SMTPConfiguration.STARTTLSPolicy

    /// How handled messages leave the inbox.
    public enum ProcessedMarker: Sendable, Equatable {
        /// Moved to this folder (created when missing).
        case folder(String)
        /// Left in place and given this keyword (RFC 9051 §2.3.2), e.g. `$RolloutProcessed`.
        case keyword(String)
    }

    /// `scheme://host:port`, without path or credentials: used in logs and failure reasons.
    public let server: String
    public let startTLS: STARTTLSPolicy
    /// The login; the password never appears in descriptions or failure reasons.
    public let credentials: IMAPCredentials
    /// Whether the server's certificate and host name are checked. Turn off only for tests.
    public let verifyCertificates: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    public let caFile: String?
    /// Where handled messages go.
    public let processed: ProcessedMarker
    /// The folder for messages that failed too often (created when missing).
    public let quarantineFolder: String
    /// Connections used in parallel to download bodies (libcurl does not pipeline: one round trip per message).
    public let connections: Int
    /// Limit for connecting: TCP, TLS handshake and login (libcurl counts the protocol's greeting and login in;
    /// Dovecot delays a refused login by 2 s).
    public let connectTimeout: Duration
    /// Limit for one command or one message download, connecting and logging in included.
    public let commandTimeout: Duration

    var isImplicitTLS: Bool { server.hasPrefix("imaps://") }

    /// Validates and stores an IMAP configuration.
    ///
    /// - Parameters:
    ///   - url: `imap://host[:port]` or `imaps://host[:port]`; the port defaults to 143 or 993. No path, no credentials.
    ///   - credentials: refused over a connection that might be unencrypted, unless the host is loopback.
    ///   - processed: a folder (`processed`) or a keyword (`$RolloutProcessed`).
    ///   - connections: 1 to 16.
    /// - Throws: ``IMAPConfigurationError`` naming the problem and the fix.
    public init(
        url: String, startTLS: STARTTLSPolicy = .required, credentials: IMAPCredentials,
        verifyCertificates: Bool = true, caFile: String? = nil, processed: ProcessedMarker = .folder("processed"),
        quarantineFolder: String = "quarantine", connections: Int = 2, connectTimeout: Duration = .seconds(10),
        commandTimeout: Duration = .seconds(120)
    ) throws(IMAPConfigurationError) {
        let scheme: String
        let defaultPort: Int
        var rest: Substring
        if url.lowercased().hasPrefix("imap://") {
            (scheme, defaultPort, rest) = ("imap", 143, url.dropFirst("imap://".count))
        } else if url.lowercased().hasPrefix("imaps://") {
            (scheme, defaultPort, rest) = ("imaps", 993, url.dropFirst("imaps://".count))
        } else {
            throw IMAPConfigurationError("IMAP URL must start with imap:// or imaps://")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.contains("@") {
            throw IMAPConfigurationError(
                "IMAP URL must not contain credentials: give them in a file or the environment instead")
        }
        if rest.contains("/") || rest.contains(";") {
            throw IMAPConfigurationError(
                "IMAP URL '\(url)' must be only imap://host:port: the mailbox and folders are configured apart")
        }
        var host = rest
        var port = defaultPort
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("]") {
            host = rest[..<colon]
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw IMAPConfigurationError("IMAP URL '\(url)' has an invalid port: write imap://host:port")
            }
            port = number
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) else {
            throw IMAPConfigurationError("IMAP URL '\(url)' has no valid host: write imap://host:port")
        }
        let bareHost = String(host).trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(bareHost)
        if scheme == "imap", startTLS != .required, !loopback {
            throw IMAPConfigurationError(
                "IMAP credentials would go to \(host) unencrypted: use imaps:// or STARTTLS 'required'")
        }
        switch processed {
        case .folder(let name):
            try Self.validateFolder(name, role: "processed folder")
            if name.caseInsensitiveCompare(quarantineFolder) == .orderedSame {
                throw IMAPConfigurationError("the processed and quarantine folders must differ (both are '\(name)')")
            }
        case .keyword(let keyword):
            let forbidden = Set("(){ %*\"\\]")
            guard !keyword.isEmpty, keyword.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }),
                !keyword.contains(where: { forbidden.contains($0) })
            else {
                throw IMAPConfigurationError(
                    "IMAP keyword '\(keyword)' must be an atom without spaces, parentheses or backslash, e.g. $RolloutProcessed")
            }
        }
        try Self.validateFolder(quarantineFolder, role: "quarantine folder")
        guard (1...16).contains(connections) else {
            throw IMAPConfigurationError("IMAP connections must be between 1 and 16 (\(connections) given)")
        }
        if connectTimeout <= .zero || commandTimeout <= .zero {
            throw IMAPConfigurationError("IMAP timeouts must be positive")
        }
        server = "\(scheme)://\(host):\(port)"
        self.startTLS = startTLS
        self.credentials = credentials
        self.verifyCertificates = verifyCertificates
        self.caFile = caFile
        self.processed = processed
        self.quarantineFolder = quarantineFolder
        self.connections = connections
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Why `name` cannot be used as a mailbox name in a command or a URL, if it cannot.
    ///
    /// Printable ASCII without quotes or backslash: such a name goes into a quoted string as is
    /// (non-ASCII names would need modified UTF-7, RFC 3501 §5.1.3).
    static func mailboxNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if !name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) {
            return "must be printable ASCII"
        }
        if name.contains("\"") || name.contains("\\") { return "must not contain quotes or backslashes" }
        return nil
    }

    private static func validateFolder(_ name: String, role: String) throws(IMAPConfigurationError) {
        if let problem = mailboxNameProblem(name) {
            throw IMAPConfigurationError("IMAP \(role) '\(name)' \(problem)")
        }
        if name.uppercased() == "INBOX" {
            throw IMAPConfigurationError("IMAP \(role) cannot be INBOX: give another folder, e.g. 'processed'")
        }
    }

    /// Reads credentials from a file holding `user:password` on one line, or the user and the password on two lines.
    ///
    /// - Throws: ``IMAPConfigurationError`` when the file cannot be read or has neither form.
    public static func credentials(fromFile path: String) throws(IMAPConfigurationError) -> IMAPCredentials {
        switch MailCredentials.read(fromFile: path, service: "IMAP") {
        case .success(let credentials): return credentials
        case .failure(let problem): throw IMAPConfigurationError(problem.message)
        }
    }

    /// Reads credentials from two environment variables; `nil` when neither is set.
    ///
    /// - Throws: ``IMAPConfigurationError`` when only one of the two is set.
    public static func credentials(
        fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment,
        userVariable: String = "ROLLOUT_IMAP_USER", passwordVariable: String = "ROLLOUT_IMAP_PASSWORD"
    ) throws(IMAPConfigurationError) -> IMAPCredentials? {
        switch MailCredentials.read(fromEnvironment: environment, userVariable: userVariable, passwordVariable: passwordVariable) {
        case .success(let credentials): return credentials
        case .failure(let problem): throw IMAPConfigurationError(problem.message)
        }
    }
}


/// A mistake in the IMAP configuration: what is wrong and how to fix it. Not a server failure.
public struct IMAPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    /// Wraps a message that says what is wrong and what to do.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
