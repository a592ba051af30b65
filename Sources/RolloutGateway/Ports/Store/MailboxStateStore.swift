import Foundation
import RolloutCore

/// Where each server mailbox was read up to, and the messages that failed there.
public protocol MailboxStateStore: Sendable {
    func cursor(of mailbox: String) async throws -> MailboxCursor?
    func saveCursor(_ cursor: MailboxCursor, of mailbox: String) async throws
    /// Counts a failed attempt at processing a fetched message; returns the attempts so far.
    func recordFetchFailure(mailbox: String, uidValidity: UInt32, uid: UInt32, error: String) async throws -> Int
}
