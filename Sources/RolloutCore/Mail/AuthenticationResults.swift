import Foundation

/// One `Authentication-Results` header field, parsed (RFC 8601 §2.2).
///
/// `mx.example.org; dkim=pass (good signature) header.d=example.org header.s=sel; spf=pass smtp.mailfrom=example.org`
/// becomes the authserv-id `mx.example.org` and two results. Comments are dropped, quoted-strings unquoted, names and
/// results lower-cased.
///
/// Nothing is guessed. The field is read element by element (``AuthenticationResultsScanner``): a `;` or a
/// `dkim=pass` inside a quoted-string or a comment is text, never structure. A result statement (resinfo) that
/// cannot be read to its end, or that gives a property twice (`header.d=attacker.example header.d=example.org`: which
/// one did the MTA mean?), counts for nothing as a whole; it is kept in ``resinfos`` as dropped, with why, so that
/// `explain` can show it. Reading goes on at the next `;` only when the text skipped to reach it holds no `"`, `(`,
/// `)` or `\`: otherwise whether that `;` is structure cannot be told, and the rest of the field counts for nothing. A field whose authserv-id cannot be read (Exchange Online writes `spf=pass …` straight
/// away) gets an empty ``authservID`` and no results, and so is never trusted.
public struct AuthenticationResults: Sendable, Equatable {
    /// One method's result (`dkim=pass header.d=example.org`).
    public struct MethodResult: Sendable, Equatable {
        /// The method, lower-cased, without a version (`dkim`, `spf`, `dmarc`, `arc`).
        public var method: String
        /// The result, lower-cased (`pass`, `fail`, `none`, `neutral`, `softfail`, `temperror`, `permerror`).
        public var result: String
        /// `ptype.property` (lower-cased) to value (`header.d` → `example.org`), plus `reason` when given. A value
        /// that was a quoted-string is unquoted; an addr-spec keeps a quoted local-part as written
        /// (`"a\"b"@example.org`).
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
                // The domain follows the last "@": a quoted local-part may hold one, a domain never does.
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

    /// A result statement that counts for nothing: its text as written (after the `;`) and why.
    public struct DroppedResult: Sendable, Equatable {
        public var text: String
        public var reason: String
        /// Whether the rest of the field went with it (an unclosed quote or comment, or a `"`, `(`, `)` or `\` in
        /// what could not be read): ``text`` runs to the end of the field.
        public var tookRestOfField: Bool

        public init(text: String, reason: String, tookRestOfField: Bool = false) {
            self.text = text
            self.reason = reason
            self.tookRestOfField = tookRestOfField
        }
    }

    /// One result statement in the order written: read, or dropped.
    public enum Resinfo: Sendable, Equatable {
        case read(MethodResult)
        case dropped(DroppedResult)
    }

    /// The host that wrote the field, lower-cased; empty when the field's authserv-id could not be read.
    public var authservID: String
    /// Every result statement, in order, including those that count for nothing.
    public var resinfos: [Resinfo]
    /// Why the field as a whole counts for nothing (its authserv-id could not be read); nil when it was read.
    public var unreadable: String?

    public init(authservID: String, results: [MethodResult]) {
        self.authservID = authservID
        self.resinfos = results.map(Resinfo.read)
        self.unreadable = nil
    }

    /// The results that count: those read whole, without a property given twice.
    public var results: [MethodResult] {
        resinfos.compactMap { if case .read(let result) = $0 { result } else { nil } }
    }

    /// The result statements that count for nothing, and why.
    public var dropped: [DroppedResult] {
        resinfos.compactMap { if case .dropped(let dropped) = $0 { dropped } else { nil } }
    }

    /// Parses a field's value.
    public init(parsing value: String) {
        var scanner = AuthenticationResultsScanner(value)
        authservID = ""
        resinfos = []
        unreadable = nil
        do throws(AuthenticationResultsScanner.Failure) {
            authservID = try Self.readAuthservID(&scanner).lowercased()
        } catch {
            unreadable = error.reason
            return
        }
        var statements: [Resinfo] = []
        var noResult = false
        while scanner.consume(UInt8(ascii: ";")) {
            let start = scanner.position
            do throws(AuthenticationResultsScanner.Failure) {
                if let result = try Self.readResinfo(&scanner) {
                    statements.append(.read(result))
                } else if statements.isEmpty, scanner.atEnd {
                    noResult = true
                } else {
                    throw .init("\"none\" may only stand alone")
                }
            } catch {
                let givenUp = scanner.skipToNextSemicolon()
                let text = scanner.text(from: start, to: scanner.position).trimmingCharacters(in: .whitespacesAndNewlines)
                let reason = error.reason + (givenUp.map { "; \($0.reason)" } ?? "")
                statements.append(.dropped(DroppedResult(text: text, reason: reason, tookRestOfField: givenUp != nil)))
            }
        }
        if !noResult && statements.isEmpty {
            // Nothing after the authserv-id: no statement at all, which RFC 8601 does not allow; nothing to count.
            unreadable = "no result and no \"none\" after the authserv-id"
        }
        resinfos = statements
    }

    /// Reads `[CFWS] authserv-id [CFWS version] [CFWS]`, leaving the cursor on the first `;` (or at the end).
    private static func readAuthservID(_ scanner: inout AuthenticationResultsScanner) throws(AuthenticationResultsScanner.Failure) -> String {
        try scanner.skipCFWS()
        let id: String
        if scanner.at(UInt8(ascii: "\"")) {
            id = try scanner.quotedString().text
        } else if let token = scanner.token() {
            id = token
        } else {
            throw .init("no authserv-id")
        }
        guard !id.isEmpty else { throw .init("an empty authserv-id") }
        let spaced = try scanner.skipCFWS()
        if spaced, scanner.digits() != nil { try scanner.skipCFWS() }
        guard scanner.atEnd || scanner.at(UInt8(ascii: ";")) else {
            throw .init("the authserv-id is not followed by \";\"")
        }
        return id
    }

    /// Reads one statement after its `;`: `method[/version]=result [reason=value] *(ptype.property=value)`, up to
    /// the next `;` or the end. Nil for `none` (no result).
    private static func readResinfo(_ scanner: inout AuthenticationResultsScanner) throws(AuthenticationResultsScanner.Failure) -> MethodResult? {
        try scanner.skipCFWS()
        guard let method = scanner.keyword() else { throw .init("expected a method") }
        try scanner.skipCFWS()
        if method.lowercased() == "none", scanner.atEnd || scanner.at(UInt8(ascii: ";")) { return nil }
        if scanner.consume(UInt8(ascii: "/")) {
            try scanner.skipCFWS()
            guard scanner.digits() != nil else { throw .init("expected a version after \"\(method)/\"") }
            try scanner.skipCFWS()
        }
        guard scanner.consume(UInt8(ascii: "=")) else { throw .init("expected \"=\" after \"\(method)\"") }
        try scanner.skipCFWS()
        guard let result = scanner.keyword() else { throw .init("expected a result after \"\(method)=\"") }
        try scanner.skipCFWS()
        var properties: [String: String] = [:]
        var repeated: String?
        while !scanner.atEnd && !scanner.at(UInt8(ascii: ";")) {
            guard let ptype = scanner.keyword() else { throw .init("expected ptype.property=value") }
            try scanner.skipCFWS()
            if ptype.lowercased() == "reason", properties.isEmpty, scanner.consume(UInt8(ascii: "=")) {
                try scanner.skipCFWS()
                properties["reason"] = try readValue(&scanner)
                try scanner.skipCFWS()
                continue
            }
            guard scanner.consume(UInt8(ascii: ".")) else { throw .init("expected \".\" after \"\(ptype)\"") }
            try scanner.skipCFWS()
            guard let property = scanner.keyword() else { throw .init("expected a property after \"\(ptype).\"") }
            try scanner.skipCFWS()
            guard scanner.consume(UInt8(ascii: "=")) else { throw .init("expected \"=\" after \"\(ptype).\(property)\"") }
            try scanner.skipCFWS()
            let name = "\(ptype).\(property)".lowercased()
            let value = try readPropertyValue(&scanner)
            // Read on to the statement's end, so that reading resumes in step after it; then drop it whole.
            if properties[name] != nil, repeated == nil { repeated = name }
            properties[name] = value
            try scanner.skipCFWS()
        }
        if let repeated { throw .init("\(repeated) is given twice") }
        return MethodResult(method: method.lowercased(), result: result.lowercased(), properties: properties)
    }

    /// Reads a `value` (RFC 2045: a token or a quoted-string), unquoted.
    private static func readValue(_ scanner: inout AuthenticationResultsScanner) throws(AuthenticationResultsScanner.Failure) -> String {
        if scanner.at(UInt8(ascii: "\"")) { return try scanner.quotedString().text }
        guard let token = scanner.token() else { throw .init("expected a value") }
        return token
    }

    /// Reads a `pvalue`: a quoted-string (unquoted), an addr-spec `[local-part] "@" domain` whose local-part may be a
    /// quoted-string (kept as written), or a run of atext and dots. A second `@`, or an `@` with nothing after it,
    /// is not a value.
    private static func readPropertyValue(_ scanner: inout AuthenticationResultsScanner) throws(AuthenticationResultsScanner.Failure) -> String {
        var localPart = ""
        if scanner.at(UInt8(ascii: "\"")) {
            let quoted = try scanner.quotedString()
            try scanner.skipCFWS()
            guard scanner.at(UInt8(ascii: "@")) else { return quoted.text }
            localPart = "\"\(quoted.raw)\""
        } else if let run = scanner.atextRun() {
            guard scanner.at(UInt8(ascii: "@")) else { return run }
            localPart = run
        } else if !scanner.at(UInt8(ascii: "@")) {
            throw .init("expected a value")
        }
        _ = scanner.consume(UInt8(ascii: "@"))
        guard let domain = scanner.atextRun() else { throw .init("expected a domain after \"@\"") }
        return "\(localPart)@\(domain)"
    }
}
