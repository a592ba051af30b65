import Foundation

/// A failure of the mail-in server, in words that name the server and what failed.
public struct MailFetchError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Worth trying again later: the server is down, the connection dropped, a timeout.
        case temporary
        /// A configuration mistake: wrong password, unknown mailbox, certificate refused.
        case configuration
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
