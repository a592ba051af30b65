/// Where the messages of an ``IngestLoop`` come from (a Maildir, an IMAP mailbox, an mbox, files): what becomes of a
/// message that could not be processed, and of messages whose commits are durable.
public protocol IngestSource: Sendable {
    /// How the source names one of its messages (a Maildir entry, an IMAP UID).
    associatedtype Handle: Sendable

    /// A message failed for a reason that is not temporary (it would fail again as it is). The source keeps it where
    /// an operator finds it, or counts the attempt and has it tried again, or quarantined.
    func failed(_ handle: Handle, error: any Error) async throws -> IngestFailure

    /// Called once the commits of these messages are durable, in order and never twice at once: `done` were applied
    /// (or answered, set aside, recognised) by the gateway, `quarantined` failed too often, `retry` are to be tried
    /// again by a later run. Messages not named here stay where they are.
    func release(done: [Handle], quarantined: [Handle], retry: [Handle]) async throws
}
