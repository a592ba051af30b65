import RolloutGateway

/// Thread roots sent (issue 20 #8): the outbox's Message-IDs, as the SQL drivers' unique key holds them.
extension MemoryScope {
    public func outboxMessageIDs(among messageIDs: [String]) async throws -> Set<String> {
        read { state in Set(messageIDs.filter { state.messageIDs[$0] != nil }) }
    }
}
