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
    public init?(_ text: String) {
        var body = Substring(text.trimmingWhitespace())
        if body.prefix(3).lowercased() == "ea-" { body = body.dropFirst(3) }
        guard let dash = body.firstIndex(of: "-") else { return nil }
        let ngi = body[..<dash]
        let site = body[body.index(after: dash)...]
        guard !ngi.isEmpty, !site.isEmpty,
            ngi.allSatisfy(TeamName.isNameCharacter),
            site.allSatisfy({ TeamName.isNameCharacter($0) || $0 == "-" }),
            site.first != "-", site.last != "-"
        else { return nil }
        self.ngi = String(ngi)
        self.site = String(site)
        self.key = "\(ngi)-\(site)".lowercased()
    }

    /// An ASCII letter or digit, `_` or `.` (read from the byte: asking a character's Unicode properties cost more
    /// than the rest of reading a name).
    private static func isNameCharacter(_ c: Character) -> Bool {
        switch c.asciiValue {
        case (0x30...0x39)?, (0x41...0x5A)?, (0x61...0x7A)?, UInt8(ascii: "_")?, UInt8(ascii: ".")?: true
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
