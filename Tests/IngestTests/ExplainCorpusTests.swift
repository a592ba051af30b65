import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// The fields of `explain --json` that the corpus pins down, one expected file beside each message.
struct ExpectedExplanation: Codable, Equatable {
    var ticket: Int?
    var queue: String?
    var foundBy: String?
    var sender: String?
    var kind: String
    var duplicate: Bool?
    var commands: [[String]]
    var malformed: [String]
    var authorized: Bool?
    var attachments: [Attachment]
    var failedRecipients: [String]
    var hasDefects: Bool
    var action: String
    var answer: Bool

    struct Attachment: Codable, Equatable {
        var filename: String
        var kind: String
        var wellNamed: Bool
    }

    init(_ e: Explanation) {
        ticket = e.ticket
        queue = e.queue
        foundBy = e.foundBy
        sender = e.sender
        kind = e.kind
        duplicate = e.duplicate
        commands = e.commands
        malformed = e.malformed.map(\.line)
        authorized = e.authorized
        attachments = e.attachments.map { Attachment(filename: $0.filename, kind: $0.kind, wellNamed: $0.wellNamed) }
        failedRecipients = e.failedRecipients.map(\.address)
        hasDefects = !e.defects.isEmpty
        action = e.action
        answer = e.answer
    }
}

@Suite("explain over the mail corpus")
struct ExplainCorpusTests {
    static let files = corpusFiles()

    static func expectationURL(_ file: String) -> URL {
        corpus.appendingPathComponent(file.replacingOccurrences(of: ".eml", with: ".expected.json"))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()

    @Test("the corpus is there: at least 100 messages, each with its expected file, and no expected file without its message")
    func corpusIsThere() throws {
        // The test below runs once per message: over an empty or moved corpus it would run zero times and pass.
        #expect(Self.files.count >= 100, "\(Self.files.count) messages in \(corpus.path)")
        let enumerator = FileManager.default.enumerator(atPath: corpus.path)
        var expectations: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".expected.json") { expectations.append(path) }
        }
        #expect(expectations.sorted() == Self.files.map { $0.replacingOccurrences(of: ".eml", with: ".expected.json") })
    }

    @Test("every message of the corpus is explained as its expected file says", arguments: files)
    func explain(file: String) async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let analysis = try await world.ingest.analyze(try world.raw(file))
        let found = ExpectedExplanation(analysis.explanation(registry: world.configuration.workflow.registry))
        let url = Self.expectationURL(file)
        if ProcessInfo.processInfo.environment["UPDATE_EXPECTATIONS"] == "1" {
            // Writing the expectations is not a test run: it passes nothing, so that it cannot stand in for one.
            try (Self.encoder.encode(found) + Data("\n".utf8)).write(to: url)
            Issue.record("UPDATE_EXPECTATIONS=1: wrote \(url.lastPathComponent) from this build's output; review the diff, then run again without it")
            return
        }
        let data = try #require(try? Data(contentsOf: url), "\(file) has no expected result \(url.lastPathComponent)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let expected = try decoder.decode(ExpectedExplanation.self, from: data)
        #expect(found == expected, "\(file)")
    }
}
