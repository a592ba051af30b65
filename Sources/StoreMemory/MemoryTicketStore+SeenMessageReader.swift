import RolloutCore
import RolloutGateway

extension MemoryTicketStore: SeenMessageReader {
    public func seenMessage(_ key: String) async throws -> SeenMessage? {
        read { state in
            state.seen[key].map { SeenMessage(key: $0.key, ticket: $0.ticket, sender: $0.sender, disposition: $0.disposition) }
        }
    }
}
