import Foundation

/// One `Authentication-Results` header field, parsed (RFC 8601 §2.2).
///
/// `mx.example.org; dkim=pass (good signature) header.d=example.org header.s=sel; spf=pass smtp.mailfrom=example.org`
/// becomes the authserv-id `mx.example.org` and two results. Comments are dropped, quoted strings unquoted,
/// names and results lower-cased. A field without an authserv-id (Exchange Online writes `spf=pass …` straight
/// away) gets an empty ``authservID`` and so is never trusted.
public struct AuthenticationResults: Sendable, Equatable {
    /// One method's result (`dkim=pass header.d=example.org`).
    public struct MethodResult: Sendable, Equatable {
        /// The method, lower-cased, without a version (`dkim`, `spf`, `dmarc`, `arc`).
        public var method: String
        /// The result, lower-cased (`pass`, `fail`, `none`, `neutral`, `softfail`, `temperror`, `permerror`).
        public var result: String
        /// `ptype.property` (lower-cased) to value (`header.d` → `example.org`), plus `reason` when given.
        public var properties: [String: String]

        public init(method: String, result: String, properties: [String: String] = [:]) {
            self.method = method
            self.result = result
            self.properties = properties
        }

        /// Whether this is a `pass`.
        public var passed: Bool { result == "pass" }

        /// The DKIM signing domain (`header.d`), lower-cased: the only property alignment is judged on.
        public var signingDomain: String? {
            guard method == "dkim", let value = properties["header.d"], !value.isEmpty else { return nil }
            return value.lowercased()
        }

        /// The domain the result is about: `header.d` (or the domain of `header.i`) for DKIM, `smtp.mailfrom`
        /// (or `smtp.helo`) for SPF, `header.from` for DMARC; lower-cased.
        public var domain: String? {
            func domain(of value: String?) -> String? {
                guard let value, !value.isEmpty else { return nil }
                let domain = value.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? value
                return domain.isEmpty ? nil : domain.lowercased()
            }
            switch method {
            case "dkim": return domain(of: properties["header.d"]) ?? domain(of: properties["header.i"])
            case "spf": return domain(of: properties["smtp.mailfrom"]) ?? domain(of: properties["smtp.helo"])
            case "dmarc": return domain(of: properties["header.from"])
            default: return nil
            }
        }
    }

    /// The host that wrote the field, lower-cased; empty when the field named none.
    public var authservID: String
    public var results: [MethodResult]

    public init(authservID: String, results: [MethodResult]) {
        self.authservID = authservID
        self.results = results
    }

    /// Parses a field's value leniently: what cannot be read is skipped.
    public init(parsing value: String) {
        let statements = Self.split(Self.removingComments(value), separator: ";")
        var authservID = ""
        var rest = statements[...]
        if let first = statements.first {
            let words = Self.split(first, separator: " ")
            // An authserv-id, optionally followed by a version number; a field starting with a result has none.
            if let id = words.first, !id.contains("=") {
                authservID = Self.unquoted(id).lowercased()
                rest = statements.dropFirst()
            }
        }
        self.authservID = authservID
        self.results = rest.compactMap(Self.methodResult)
    }

    private static func methodResult(_ statement: String) -> MethodResult? {
        // CFWS is allowed around "=" (RFC 8601 §2.2): close it up before splitting into words.
        let text = statement.replacingOccurrences(of: #"\s*=\s*"#, with: "=", options: .regularExpression)
        let words = split(text, separator: " ")
        guard let first = words.first, let equals = first.firstIndex(of: "=") else { return nil }
        let method = first[..<equals].split(separator: "/").first.map { $0.lowercased() } ?? ""
        let result = unquoted(String(first[first.index(after: equals)...])).lowercased()
        guard !method.isEmpty, !result.isEmpty else { return nil }
        var properties: [String: String] = [:]
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let name = word[..<equals].lowercased()
            properties[name] = unquoted(String(word[word.index(after: equals)...]))
        }
        return MethodResult(method: method, result: result, properties: properties)
    }

    /// Removes RFC 5322 comments (nested parentheses), outside quoted strings.
    static func removingComments(_ text: String) -> String {
        var output = ""
        var depth = 0
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
                if depth == 0 { output.append(character) }
                continue
            }
            switch character {
            case "\\":
                escaped = true
                if depth == 0 { output.append(character) }
            case "\"" where depth == 0:
                quoted.toggle()
                output.append(character)
            case "(" where !quoted:
                depth += 1
            case ")" where !quoted && depth > 0:
                depth -= 1
                if depth == 0 { output.append(" ") }
            default:
                if depth == 0 { output.append(character) }
            }
        }
        return output
    }

    /// Splits on `separator` (a space means any whitespace) outside quoted strings, dropping empty pieces.
    static func split(_ text: String, separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            let splits = separator == " " ? character.isWhitespace : character == separator
            if splits && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces.map { $0.trimmingWhitespaceAndNewlines() }.filter { !$0.isEmpty }
    }

    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }
}
