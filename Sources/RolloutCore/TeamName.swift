import Foundation

/// An Early Adopter team's name, `ea-<NGI>-<Site-name>`.
///
/// The NGI part contains no hyphen (`NGI_IT`, `IBERGRID`); the site name may (`UKI-LT2-IC-HEP`).
/// In mail the `ea-` prefix may be left out and any letter case used; ``key`` compares names that way.
public struct TeamName: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let ngi: String
    public let site: String
    /// Case-insensitive identity used for look-ups, computed once.
    public let key: String

    /// Reads `ea-NGI_IT-INFN-T1` or `NGI_IT-INFN-T1` (any case). Returns nil when the text has no `<NGI>-<Site>` shape.
    ///
    /// A name is ASCII only (letters, digits, `_`, `.`, and `-` in the site), so it is read by byte: asking each
    /// character's Unicode properties cost more than the rest of reading a configuration of a thousand teams.
    public init?(_ text: String) {
        let bytes = Array(text.trimmingWhitespace().utf8)
        var start = 0
        if bytes.count >= 3, bytes[0] | 0x20 == UInt8(ascii: "e"), bytes[1] | 0x20 == UInt8(ascii: "a"),
            bytes[2] == UInt8(ascii: "-")
        {
            start = 3
        }
        guard let dash = bytes[start...].firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let ngi = bytes[start..<dash]
        let site = bytes[(dash + 1)...]
        guard !ngi.isEmpty, !site.isEmpty,
            ngi.allSatisfy(TeamName.isNameByte),
            site.allSatisfy({ TeamName.isNameByte($0) || $0 == UInt8(ascii: "-") }),
            site.first != UInt8(ascii: "-"), site.last != UInt8(ascii: "-")
        else { return nil }
        self.ngi = String(decoding: ngi, as: UTF8.self)
        self.site = String(decoding: site, as: UTF8.self)
        self.key = String(decoding: bytes[start...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// An ASCII letter or digit, `_` or `.`.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "_"), UInt8(ascii: "."): true
        default: false
        }
    }

    /// The canonical form, `ea-<NGI>-<Site-name>`.
    public var description: String { "ea-\(ngi)-\(site)" }

    /// The form EA teams write in commands, `<NGI>-<Site-name>`.
    public var shortForm: String { "\(ngi)-\(site)" }


    public static func == (lhs: TeamName, rhs: TeamName) -> Bool { lhs.key == rhs.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public static func < (lhs: TeamName, rhs: TeamName) -> Bool { lhs.key < rhs.key }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let name = TeamName(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a team name of the form ea-<NGI>-<Site-name>"))
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Edit distance, for "did you mean" hints on unknown names.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
