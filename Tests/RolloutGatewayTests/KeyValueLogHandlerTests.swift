import Foundation
import Logging
import Testing

@testable import RolloutGateway

/// The log's line (RELIABILITY.md: the journal and grep read it): time, level, message, then the fields sorted by key,
/// the event's and the handler's; where both name a key, the event's value, once.
@Suite("KeyValueLogHandler: one line per event, fields sorted, the event's value first")
struct KeyValueLogHandlerTests {
    static func event(_ metadata: Logger.Metadata?) -> LogEvent {
        LogEvent(level: .notice, message: "timer fired", metadata: metadata, source: nil, file: #fileID, function: #function, line: #line)
    }

    @Test("the handler's run= beside the event's fields, sorted; a key both have is the event's, once")
    func mergedFields() {
        var handler = KeyValueLogHandler(label: "test")
        handler[metadataKey: "run"] = "tick"
        handler[metadataKey: "ticket"] = "from the handler"
        let line = handler.line(
            for: Self.event(["ticket": "42", "action": "answer-deadline", "reason": "a \"quoted\"\nvalue"]), at: "2026-12-07T12:00:00Z")
        #expect(line == #"2026-12-07T12:00:00Z notice timer fired action=answer-deadline reason="a \"quoted\"\nvalue" run=tick ticket=42"#)
    }

    @Test("an event without fields takes the handler's; neither gives the bare line")
    func onlyOneSide() {
        var handler = KeyValueLogHandler(label: "test")
        #expect(handler.line(for: Self.event(nil), at: "T") == "T notice timer fired")
        handler[metadataKey: "run"] = "ingest"
        #expect(handler.line(for: Self.event(nil), at: "T") == "T notice timer fired run=ingest")
        #expect(handler.line(for: Self.event(["run": "tick"]), at: "T") == "T notice timer fired run=tick")
    }

    @Test("the time is now in UTC, to the second: yyyy-MM-ddTHH:mm:ssZ")
    func timestamp() throws {
        let before = Date()
        let text = KeyValueLogHandler.timestamp()
        let parsed = try #require(ISO8601DateFormatter().date(from: text))
        #expect(text.count == 20 && text.hasSuffix("Z"))
        #expect(parsed >= before.addingTimeInterval(-1) && parsed <= Date())
    }
}
