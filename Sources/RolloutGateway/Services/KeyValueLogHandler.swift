import Foundation
import Logging
import RolloutCore

/// swift-log to stderr, one line per event: `2026-11-25T08:00:00Z info message key=value …`.
/// Values with spaces are quoted, so that the journal and grep read them alike.
public struct KeyValueLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data((line(for: event) + "\n").utf8))
    }

    /// The event's line, without its line break.
    func line(for event: LogEvent, at time: String = KeyValueLogHandler.timestamp()) -> String {
        var line = "\(time) \(event.level) \(event.message)"
        // The event's fields, then the handler's (`run=…`) where the event has none of that key: a merged dictionary
        // built per line cost more than the rest of the line.
        let own = event.metadata ?? [:]
        var fields = Array(own)
        for (key, value) in metadata where own[key] == nil { fields.append((key, value)) }
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.quote("\(value)"))"
        }
        return line
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
        let (hour, minute, second) = (Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return "\(day)T\(zeroPadded(hour, width: 2)):\(zeroPadded(minute, width: 2)):\(zeroPadded(second, width: 2))Z"
    }
}
