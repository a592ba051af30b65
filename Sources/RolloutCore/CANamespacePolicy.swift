/// Which subject names a certification authority may vouch for: the `.signing_policy` (Globus EACL) or
/// `.namespaces` (EUGridPMA namespace policy) file that IGTF ships beside each CA's `hash.0` (issue 23).
///
/// Read leniently but never generously: a line this reader does not understand grants nothing, and a pattern that
/// uses more than literal text, `.`, `*` and `\` escapes (in `.namespaces`) or `*` and `?` (in `.signing_policy`)
/// permits nothing. A policy that names another CA than the one asked about permits nothing either.
public struct CANamespacePolicy: Sendable, Equatable {
    /// One `TO Issuer … PERMIT|DENY Subject …` rule, or one `cond_subjects` pattern (a permit).
    public struct Rule: Sendable, Equatable {
        /// The CA's subject the rule is about; nil for `SELF` (the CA whose file it is).
        public var issuer: String?
        public var permits: Bool
        public var subject: NamePattern
    }

    public var rules: [Rule]

    /// The longest policy file read (IGTF's are under 2 kB); the rest is ignored.
    public static let longestText = 64 * 1024

    /// Whether a certificate with `subject` may be issued by the CA named `issuer` (one-line form `/C=…/O=…/CN=…`).
    /// A matching deny wins over any permit.
    public func permits(subject: String, issuedBy issuer: String) -> Bool {
        let applicable = rules.filter { ($0.issuer ?? issuer) == issuer && $0.subject.matches(subject) }
        return applicable.contains { $0.permits } && !applicable.contains { !$0.permits }
    }

    /// Reads a `.signing_policy` file: `access_id_CA X509 '<DN>'`, `pos_rights globus CA:sign`,
    /// `cond_subjects globus '"<glob>" "<glob>"'`; only blocks with `CA:sign` grant anything.
    public static func signingPolicy(_ text: String) -> CANamespacePolicy {
        var rules: [Rule] = []
        var issuer: String?
        var maySign = false
        for line in text.prefix(longestText).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let words = trimmed.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 3 else { continue }
            let value = words[2].trimmingWhitespace()
            switch words[0].lowercased() {
            case "access_id_ca":
                issuer = words[1].lowercased() == "x509" ? unquoted(value, "'") : nil
                maySign = false
            case "pos_rights":
                maySign = words[1].lowercased() == "globus" && value.split(separator: " ").contains("CA:sign")
            case "cond_subjects":
                guard let issuer, maySign, words[1].lowercased() == "globus", let list = unquoted(value, "'") else { continue }
                for glob in quotedItems(list) {
                    rules.append(Rule(issuer: issuer, permits: true, subject: NamePattern(glob: glob)))
                }
            default:
                continue
            }
        }
        return CANamespacePolicy(rules: rules)
    }

    /// Reads a `.namespaces` file: `TO Issuer "<DN>"|SELF PERMIT|DENY Subject "<regex>"`, a rule possibly continued
    /// over lines ending in `\`.
    public static func namespaces(_ text: String) -> CANamespacePolicy {
        var rules: [Rule] = []
        var statement = ""
        var statements: [String] = []
        for line in text.prefix(longestText).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("#") || trimmed.isEmpty { continue }
            if trimmed.hasSuffix("\\") {
                statement += String(trimmed.dropLast()) + " "
            } else {
                statements.append(statement + trimmed)
                statement = ""
            }
        }
        for statement in statements {
            var rest = Substring(statement)
            guard let to = word(&rest), to.uppercased() == "TO", let issuerWord = word(&rest), issuerWord.lowercased() == "issuer"
            else { continue }
            let issuer: String?
            if let quoted = quoted(&rest) {
                issuer = quoted
            } else if let selfWord = word(&rest), selfWord.uppercased() == "SELF" {
                issuer = nil
            } else {
                continue
            }
            guard let action = word(&rest), let subjectWord = word(&rest), subjectWord.lowercased() == "subject",
                let pattern = quoted(&rest), rest.trimmingWhitespace().isEmpty
            else { continue }
            switch action.uppercased() {
            case "PERMIT": rules.append(Rule(issuer: issuer, permits: true, subject: NamePattern(regex: pattern)))
            case "DENY": rules.append(Rule(issuer: issuer, permits: false, subject: NamePattern(regex: pattern)))
            default: continue
            }
        }
        return CANamespacePolicy(rules: rules)
    }

    private static func unquoted(_ text: String, _ quote: Character) -> String? {
        guard text.count >= 2, text.first == quote, text.last == quote else { return nil }
        return String(text.dropFirst().dropLast())
    }

    /// The `"…"` items of a `cond_subjects` list.
    private static func quotedItems(_ list: String) -> [String] {
        var rest = Substring(list)
        var items: [String] = []
        while let item = quoted(&rest) { items.append(item) }
        return items
    }

    private static func word(_ rest: inout Substring) -> String? {
        rest = rest.drop { $0 == " " || $0 == "\t" }
        let word = rest.prefix { $0 != " " && $0 != "\t" && $0 != "\"" }
        guard !word.isEmpty else { return nil }
        rest = rest.dropFirst(word.count)
        return String(word)
    }

    private static func quoted(_ rest: inout Substring) -> String? {
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == "\"", let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
        let value = trimmed[trimmed.index(after: trimmed.startIndex)..<end]
        rest = trimmed[trimmed.index(after: end)...]
        return String(value)
    }
}
