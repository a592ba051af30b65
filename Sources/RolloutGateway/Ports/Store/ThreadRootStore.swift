/// What threading needs of the store (issue 20 #8): whether a person's thread root of a ticket was sent, so that a
/// notification refers to it, or else becomes it (``MailComposer/threadRoot(of:for:)``, ``NotificationRenderer``).
public protocol ThreadRootStore: Sendable {
    /// Those of `messageIDs` (without angle brackets) that the outbox holds, whatever became of them: queued, held,
    /// sent or given up (a Message-ID is queued once).
    func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String>
}
