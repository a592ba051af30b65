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
