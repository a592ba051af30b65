import Foundation
import TestSupport

/// Makes `Authentication-Results` values for ``AuthenticationResultsOracleTests``, from a fixed seed: statements with
/// random CFWS (spaces, tabs, folding, comments nested three deep with escapes, quotes and `;` inside), versions,
/// reasons, values as tokens, base64, quoted-strings with escaped quotes and smuggled `; dkim=pass …`, addr-specs with
/// quoted local-parts; some with a property given twice; some broken (an unclosed quote or comment, an unquoted `;`,
/// a stray backslash, a bare word, a missing `=`, two `@`, an empty value).
///
/// Each statement's DKIM domain names it (`s<n>.example.org`), and smuggled text names `injected.example.org`, so
/// that a result read from the wrong place cannot pass for a genuine one.
struct AuthenticationResultsFieldGenerator {
    var random: SeededRandom
    private var serial = 0

    init(seed: UInt64) { random = SeededRandom(state: seed) }

    static let smuggled = "dkim=pass header.d=injected.example.org"

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ choices: [T]) -> T { choices.randomElement(using: &random)! }

    // MARK: Fields

    /// A field and the statements it was built from.
    mutating func field() -> AuthenticationResultsOracleTests.Field {
        var id = chance(5) ? #""mx.rollout.example.org""# : pick(["mx.rollout.example.org", "MX.Rollout.Example.Org"])
        if chance(15) { id += cfws(required: true) + "1" }
        if chance(5) {
            return .init(value: optionalCFWS() + id + optionalCFWS() + ";" + optionalCFWS() + "none" + optionalCFWS(), statements: [])
        }
        let count = Int.random(in: 1...4, using: &random)
        let statements = (0..<count).map { statement(last: $0 == count - 1) }
        let value = optionalCFWS() + id + optionalCFWS() + statements.map { ";" + $0 }.joined() + optionalCFWS()
        return .init(value: value, statements: statements)
    }

    /// One statement, without its `;`. Only the last statement of a field may be broken with an unclosed quote or
    /// comment or a stray quote or backslash: what follows such a break is read differently by every parser (the
    /// quote may close in the next statement), so no parser can be held to one reading of it.
    mutating func statement(last: Bool) -> String {
        serial += 1
        let method = pick(["dkim", "dkim", "spf", "dmarc", "arc", "iprev", "auth", "DKIM"])
        let result = pick(["pass", "pass", "fail", "none", "neutral", "softfail", "temperror", "permerror", "policy", "PASS"])
        var text = optionalCFWS() + method
        if chance(10) { text += optionalCFWS() + "/" + optionalCFWS() + "1" }
        text += optionalCFWS() + "=" + optionalCFWS() + result
        if chance(20) { text += cfws(required: true) + "reason" + optionalCFWS() + "=" + optionalCFWS() + pick([token(), quoted()]) }
        var properties = self.properties(method: method)
        if chance(12), let first = properties.first {
            // The same property again, naming the manager's domain.
            let again = (first.name, first.name.hasSuffix("d") || first.name.hasSuffix("from") ? "lip.example.org" : token())
            properties.insert(again, at: Int.random(in: 0...properties.count, using: &random))
        }
        // A broken statement is broken right after its result, before any property.
        if chance(20) { text += broken(lexically: last) }
        for property in properties {
            let parts = property.name.split(separator: ".").map(String.init)
            let value = property.value
            text += cfws(required: true) + parts[0] + optionalCFWS() + "." + optionalCFWS() + parts[1] + optionalCFWS() + "="
                + optionalCFWS() + value
        }
        return text + optionalCFWS()
    }


    /// The properties of a statement, the first one of the method's own.
    mutating func properties(method: String) -> [(name: String, value: String)] {
        let domain = "s\(serial).example.org"
        var properties: [(name: String, value: String)] = []
        switch method.lowercased() {
        case "dkim":
            properties.append(("header.d", chance(10) ? "\"\(domain)\"" : domain))
            if chance(50) { properties.append(("header.i", pick(["@" + domain, addrSpec(domain)]))) }
            if chance(50) { properties.append(("header.s", token())) }
            if chance(50) { properties.append(("header.b", base64())) }
        case "dmarc":
            properties.append(("header.from", domain))
            if chance(30) { properties.append(("policy.dmarc", pick(["none", "reject", "quarantine"]))) }
        case "spf":
            properties.append(("smtp.mailfrom", pick([addrSpec(domain), domain, "@" + domain])))
            if chance(40) { properties.append(("smtp.helo", pick([domain, quoted()]))) }
        default:
            if chance(60) { properties.append(("smtp.remote-ip", "192.0.2.\(Int.random(in: 1...254, using: &random))")) }
            if chance(40) { properties.append(("policy.auth", quoted())) }
        }
        if chance(15) { properties.append(("body.hash", base64())) }
        return properties
    }

    // MARK: Pieces

    mutating func token() -> String {
        pick(["sel1", "s2048", "x-y", "a.b.c", "abc!#$%&'*+-^_`{|}~", "lip.example.org", "20240101", "k1"])
    }

    mutating func base64() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<8).map { _ in pick(alphabet) })
    }

    /// An addr-spec: a dot-atom local-part, or a quoted one holding escapes, `@`, `;` or a smuggled result.
    mutating func addrSpec(_ domain: String) -> String {
        let local = pick([
            "mario.david", "bounce+srs=x", "a'b", #""x\";\#(Self.smuggled);\"y\"z""#, #""a\"b""#, #""a@b c""#,
            #""\\\"; \#(Self.smuggled)""#,
        ])
        return "\(local)@\(domain)"
    }

    /// A quoted-string holding what would be structure outside one.
    mutating func quoted() -> String {
        let pieces = (0..<Int.random(in: 1...5, using: &random)).map { _ in
            pick(["x", " ", ";", #"\""#, #"\\"#, "(", ")", "=", "@", "; " + Self.smuggled + ";", "header.d=injected.example.org", "\t"])
        }
        return "\"" + pieces.joined() + "\""
    }

    /// A comment, nested up to three deep, holding escapes, quotes, `;` and smuggled results.
    mutating func comment(depth: Int = 0) -> String {
        var text = "("
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            if depth < 3, chance(25) {
                text += comment(depth: depth + 1)
            } else {
                text += pick(["good signature", " ", ";", "\"", #"\("#, #"\)"#, #"\\"#, "; " + Self.smuggled, "2048-bit key", "\t"])
            }
        }
        return text + ")"
    }

    /// CFWS that must be there (at least a space or a comment).
    mutating func cfws(required: Bool) -> String {
        var text = ""
        for _ in 0..<Int.random(in: required ? 1...3 : 0...2, using: &random) {
            text += pick([" ", " ", "  ", "\t", "\r\n ", "\r\n\t", " " + comment() + " ", comment()])
        }
        if required && text.isEmpty { text = " " }
        return text
    }

    mutating func optionalCFWS() -> String { chance(70) ? "" : cfws(required: false) }

    /// Text that breaks a statement in one of the ways a parser might be talked into reading something else;
    /// `lexically` also with unclosed or stray quotes, comments and backslashes.
    mutating func broken(lexically: Bool) -> String {
        let breaks = [
            " header.s=x;" + Self.smuggled, " garbage", " header.s injected.example.org",
            " smtp.mailfrom=a@b@injected.example.org", " header.s= ", " header.s=a.example@",
        ]
        let lexical = [#" header.s="unclosed; "# + Self.smuggled, " (unclosed; " + Self.smuggled, #" header.s=a\"b"#, #" header.s=x"y"#]
        return pick(lexically ? breaks + lexical : breaks)
    }
}
