import RolloutGateway

/// A Maildir as the source of an ``IngestLoop``: a message that cannot be processed goes to `failed/` with its
/// reason; a committed one to `cur/`.
extension MaildirSource: IngestSource {
    public func failed(_ entry: Entry, error: any Error) async throws -> IngestFailure {
        try setAside(entry, reason: "\(error)")
        return .keptAside(place: "\(root)/failed/\(entry.name)")
    }

    public func release(done: [Entry], quarantined: [Entry], retry: [Entry]) async throws {
        for entry in done { try markDone(entry) }
    }
}
