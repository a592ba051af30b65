import Foundation

/// Where a mailbox was read up to: the UIDVALIDITY it was read under and the last UID handled.
public struct MailboxCursor: Sendable, Equatable {
    public var uidValidity: UInt32
    public var lastUID: UInt32

    public init(uidValidity: UInt32, lastUID: UInt32) {
        self.uidValidity = uidValidity
        self.lastUID = lastUID
    }
}
