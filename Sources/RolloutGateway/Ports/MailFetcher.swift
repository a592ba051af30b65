import Foundation

/// A message fetched from a mailbox, identified by its UID under the mailbox's UIDVALIDITY (RFC 9051).
public struct FetchedMessage: Sendable {
    public var mailbox: String
    public var uidValidity: UInt32
    public var uid: UInt32
    /// The whole message, or only its header block when it was larger than the fetch's size limit.
    public var raw: [UInt8]
    /// The message's size on the server.
    public var size: Int
    /// Whether the body was left on the server for being too large (``raw`` holds the header block).
    public var tooLarge: Bool

    public init(mailbox: String, uidValidity: UInt32, uid: UInt32, raw: [UInt8], size: Int, tooLarge: Bool = false) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.raw = raw
        self.size = size
        self.tooLarge = tooLarge
    }
}

/// Where a mailbox was read up to: the UIDVALIDITY it was read under and the last UID handled.
public struct MailboxCursor: Sendable, Equatable {
    public var uidValidity: UInt32
    public var lastUID: UInt32

    public init(uidValidity: UInt32, lastUID: UInt32) {
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }
}

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

/// The mail-in port for a server mailbox (IMAP). Messages are never deleted: handled ones are moved to a
/// "processed" folder (or given the gateway's keyword) only after the caller made their effects durable.
public protocol MailFetcher: Sendable {
    /// A short name for logs (`imap://host:port/INBOX`), never credentials.
    var name: String { get }
    /// The mailbox's UIDVALIDITY and the UIDs above `after` (all when nil or when UIDVALIDITY changed), ascending.
    func pending(mailbox: String, after cursor: MailboxCursor?) async throws -> (uidValidity: UInt32, uids: [UInt32])
    /// Fetches messages by UID, in UID order, calling `handle` for each in that order; of a message larger than
    /// `sizeLimit` only the header block is fetched (``FetchedMessage/tooLarge``), so that it can be answered.
    /// Stops at the first error `handle` throws.
    func fetch(
        mailbox: String, uidValidity: UInt32, uids: [UInt32], sizeLimit: Int,
        handle: @Sendable (FetchedMessage) async throws -> Void
    ) async throws
    /// Moves handled messages out of the mailbox (to the processed folder, or flags them with the keyword).
    func markProcessed(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws
    /// Moves messages that failed too often to the quarantine folder.
    func quarantine(mailbox: String, uidValidity: UInt32, uids: [UInt32]) async throws
}
