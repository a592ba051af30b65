import Foundation
import Logging
import RolloutCore

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

    /// Quotes a value that holds a blank, a quote or `=`; line breaks become `\n`, so that one event stays one line.
    static func quote(_ value: String) -> String {
        var needsQuotes = value.isEmpty
        var plain = true
        for byte in value.utf8 {
            switch byte {
            case 0x20, 0x3D: needsQuotes = true
            case 0x22, 0x0A, 0x0D, 0x5C: needsQuotes = true; plain = false
            default: break
            }
        }
        guard needsQuotes else { return value }
        guard !plain else { return "\"" + value + "\"" }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `2026-11-25T08:00:00Z`, without a formatter object (making one per line was a tenth of a run's time).
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        // Digits by hand: String(format:) was a twentieth of an ingest's time.
        let day = CalendarDay(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
        let time = [parts.tm_hour, parts.tm_min, parts.tm_sec].map { zeroPadded($0, width: 2) }.joined(separator: ":")
        return "\(day)T\(time)Z"
    }
}
