import Foundation
import Logging

/// swift-log to stderr, one line per event: `2026-11-25T08:00:00Z info message key=value …`.
/// Values with spaces are quoted, so that the journal and grep read them alike.
struct KeyValueLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "\(Self.timestamp()) \(event.level) \(event.message)"
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.quote("\(value)"))"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func quote(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\n", with: "\\n")
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
