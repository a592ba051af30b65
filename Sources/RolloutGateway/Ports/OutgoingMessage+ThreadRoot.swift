import RolloutCore

extension OutgoingMessage {
    /// Whether this message opens its recipient's thread of a ticket: its Message-ID is the person's thread root
    /// (`rg.<N>.thread.<…>@…`, see ``MailComposer/threadRoot(of:for:)``), the same for every writer.
    ///
    /// Two writers that each decided it was the person's first message would give two messages one ID; the outbox
    /// keeps one per ID. A store that finds the root already queued by another writer therefore fails the commit as a
    /// conflict (``StoreError/conflict(_:)``): the event is decided again, sees the root, and its message gets an ID of
    /// its own. Nothing is dropped.
    public var opensThread: Bool {
        guard ticket != nil, messageID.hasPrefix("rg.") else { return false }
        let afterPrefix = messageID.dropFirst(3).drop { $0.isNumber }
        return afterPrefix.hasPrefix(".thread.")
    }
}
