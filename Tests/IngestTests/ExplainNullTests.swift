import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("explain --json: absent values are an explicit null, as the README documents")
struct ExplainNullTests {
    @Test("a message that names no ticket has ticket, queue, found_by and authorized null")
    func explanationNulls() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let analysis = try await world.ingest.analyze(message(subject: "hello", body: "Just a note."))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(analysis.explanation(registry: world.configuration.workflow.registry))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["ticket", "queue", "found_by", "authorized"] {
            #expect(json.keys.contains(key), "\(key) missing")
            #expect(json[key] is NSNull, "\(key) should be null")
        }
        #expect(json["problem"] is String)
    }
}
