import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("JSON output: absent values are an explicit null, as the README documents")
struct JSONNullTests {
    static func json(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any])
    }

    @Test("tickets show --json of a fresh staged ticket names parent, outcome, document and summary, null where unknown")
    func ticketViewNulls() async throws {
        let test = try TestGateway()
        let ticket = try await test.staged()
        let view = try Self.json(try await test.gateway.view(of: ticket))
        for key in ["child", "outcome", "document_id", "summary"] {
            #expect(view.keys.contains(key), "\(key) missing")
            #expect(view[key] is NSNull, "\(key) should be null")
        }
        let release = try #require(view["release"] as? [String: Any])
        #expect(release["outcome"] is NSNull && release["document_id"] is NSNull)
        let escalation = try #require(view["escalation"] as? [String: Any])
        #expect(escalation.keys.contains("next_at"))
        let history = try #require(view["history"] as? [[String: Any]])
        #expect(history.contains { $0["actor"] is NSNull })  // the staging had no mail sender
    }
}
