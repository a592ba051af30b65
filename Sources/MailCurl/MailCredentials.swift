import Foundation

/// A username and password for SMTP AUTH or IMAP LOGIN; the password never appears in descriptions or dumps.
public struct MailCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let username: String
    public let password: String

    /// Holds a username and password.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "MailCredentials(username: \(username), password: <hidden>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "<hidden>"]) }

    /// Reads `user:password` on one line, or the user and the password on two lines; the error says what is wrong,
    /// naming the `service` (`SMTP`, `IMAP`).
    static func read(fromFile path: String, service: String) -> Result<MailCredentials, CredentialProblem> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(CredentialProblem("cannot read \(service) credentials from \(path): check that it exists and is readable"))
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        if lines.count == 1, let colon = lines[0].firstIndex(of: ":") {
            let user = String(lines[0][..<colon])
            let password = String(lines[0][lines[0].index(after: colon)...])
            if !user.isEmpty, !password.isEmpty { return .success(MailCredentials(username: user, password: password)) }
        } else if lines.count == 2, !lines[0].isEmpty, !lines[1].isEmpty {
            return .success(MailCredentials(username: lines[0], password: lines[1]))
        }
        return .failure(
            CredentialProblem(
                "\(service) credentials file \(path) must hold 'user:password' on one line, or the user and the password on two lines"))
    }

    /// Reads two environment variables: nil when neither is set, an error when only one is.
    static func read(fromEnvironment environment: [String: String], userVariable: String, passwordVariable: String)
        -> Result<MailCredentials?, CredentialProblem>
    {
        let user = environment[userVariable].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment[passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
        switch (user, password) {
        case (nil, nil): return .success(nil)
        case let (user?, password?): return .success(MailCredentials(username: user, password: password))
        default: return .failure(CredentialProblem("set both \(userVariable) and \(passwordVariable), or neither"))
        }
    }
}

/// What is wrong with credentials, in words for the configuration error.
struct CredentialProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The credentials SMTP AUTH uses.
public typealias SMTPCredentials = MailCredentials
/// The credentials IMAP LOGIN uses.
public typealias IMAPCredentials = MailCredentials
