import Foundation

/// Who wrote a relayed message, as its readers see it (issue 20 #7): the name the mail gave, the address, and what
/// the person is on the ticket — `Mario Rossi <mario.rossi@mi.infn.example.org> (ea-NGI_IT-INFN-MILANO)`, or
/// `(staged-rollout manager)`.
///
/// The name is the sender's own claim: it is cleaned of anything that could fake the line's shape (brackets,
/// parentheses, quotes, control characters, an address of its own), bounded, and never shown without the address.
/// The roles come from the configuration, never from the mail.
public struct RelayAuthor: Sendable, Equatable {
    /// The display name, cleaned; nil when the mail gave none (or nothing of it was left).
    public var name: String?
    public var address: EmailAddress
    /// What the person is on the ticket, most telling first: `staged-rollout manager`, `release manager`, the teams.
    public var roles: [String]
    /// False when only the From address vouches for the author (a weak sender, SPEC §5): readers are told.
    public var verified: Bool = true

    /// The most characters of a display name shown.
    public static let nameLimit = 64

    public init(name: String?, address: EmailAddress, roles: [String]) {
        self.name = name.flatMap(Self.cleanName)
        self.address = address
        self.roles = roles
    }

    /// The author as the registry knows them on one ticket: a manager of the ticket's stack, a release manager, and
    /// the teams they answer for — those assigned to the ticket, else every team they belong to.
    public init(name: String?, address: EmailAddress, registry: Registry, stack: String, rollout: StagedRolloutTicket?) {
        var roles: [String] = []
        if registry.isManager(address, ofStack: stack) { roles.append("staged-rollout manager") }
        if registry.isReleaseManager(address) { roles.append("release manager") }
        let teams = registry.teams(of: address)
        let assigned = teams.filter { rollout?.assignment(of: $0) != nil }
        roles += (assigned.isEmpty ? teams : assigned).map(\.description)
        self.init(name: name, address: address, roles: roles)
    }

    /// `Mario Rossi (ea-NGI_IT-INFN-MILANO)`: short, for a subject; the address stands for a missing name.
    public var label: String {
        (name ?? address.value) + roleSuffix
    }

    /// Said after the attribution when only the From address vouches for the author.
    static let unverifiedMark = " [From address only, not verified]"

    /// `Mario Rossi <mario.rossi@mi.infn.example.org> (ea-NGI_IT-INFN-MILANO)`: the relay's attribution line.
    public var attribution: String {
        (name.map { "\($0) <\(address.value)>" } ?? address.value) + roleSuffix + (verified ? "" : Self.unverifiedMark)
    }

    private var roleSuffix: String { roles.isEmpty ? "" : " (\(roles.joined(separator: ", ")))" }

    /// The name as shown, or nil: letters, digits, spaces and plain punctuation only, whitespace collapsed, at most
    /// ``nameLimit`` characters; a name holding `@` (an address posing as a name) is not shown.
    static func cleanName(_ written: String) -> String? {
        let forbidden: Set<Character> = ["<", ">", "(", ")", "[", "]", "\"", "\\", ":", ";", ",", "=", "?"]
        // Compatibility forms first: a full-width ＜ ＠ （ reads as < @ ( and is refused as they are.
        let raw = written.precomposedStringWithCompatibilityMapping
        guard !raw.contains("@") else { return nil }
        var words: [String] = []
        var word = ""
        for character in raw {
            let isSpace = character.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
            let isControl = character.unicodeScalars.contains(where: \.breaksOrHidesText)
            if isSpace || isControl || forbidden.contains(character) {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        var name = words.joined(separator: " ")
        if name.count > nameLimit { name = String(name.prefix(nameLimit)).trimmingCharacters(in: .whitespaces) + "…" }
        return name.isEmpty ? nil : name
    }
}
