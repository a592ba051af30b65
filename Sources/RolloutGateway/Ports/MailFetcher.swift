import Foundation

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
    /// Whether ``markProcessed(mailbox:uidValidity:uids:)`` and ``quarantine(mailbox:uidValidity:uids:)`` may run
    /// while the next messages are fetched; known once ``pending(mailbox:after:)`` has answered.
    var movesWhileFetching: Bool { get }
}

