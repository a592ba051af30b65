import Foundation
import RolloutCore
import TestSupport
import Testing

/// Our RFC 8601 parser against an independent one: Python's `authres` (Debian's python3-authres), run by
/// `/usr/bin/python3` through `authres_oracle.py`, over the class-1 attack fields and 1,500 generated ones.
///
/// The rule: where authres reads a field, every statement must come out the same — method, result, `header.d`,
/// `header.from` — except that a statement authres reads with a property given twice, ours drops. Where authres
/// raises, nothing we count may be something authres would not read: each statement we count must be one that
/// authres reads, without a repeated property, from one of the field's statements on its own
/// (`<authserv-id>; <statement>`). So a `;` or a
/// `dkim=pass` smuggled inside a quoted-string or a comment, or a statement broken so that authres cannot read it,
/// never counts with us.
///
/// Where authres is more lenient than RFC 8601 (checked on 1.2.0), we decided:
/// - it accepts an empty value (`header.d=`), a value with two `@` (`a@b@c`) or ending in `@`: RFC 8601 allows
///   neither (a value is a token, a quoted-string or an addr-spec); we drop the statement — allowed below;
/// - it keeps `none` after other statements as a result; RFC 8601 allows `none` only alone: we drop it;
/// - it reads a method, result or property in the wider RFC 5322 atext (`dkim_x`, `pass.x`), and a ptype of any
///   name only to raise on it in strict mode; we read RFC 5321 keywords. The generator keeps to keywords and the four
///   registered ptypes.
///
/// Where authres is stricter than RFC 8601: `authres_oracle.py` replaces two of its functions (CFWS that holds
/// white space twice, `(a) (b)`; a quoted value followed by another property), documented there; it wants a dot-atom
/// authserv-id (RFC 8601 allows a quoted-string: the generated quoted ids are read by us and refused by authres,
/// which the "raises" rule covers); the generator keeps to version 1 and ASCII.
///
/// Where a statement we cannot read holds a `"`, `(`, `)` or `\` after the point where reading failed, we give up
/// the rest of the field (which `;` is structure cannot be told); authres may read on. That is allowed: fewer
/// statements, the last one dropped with the rest. The generator breaks statements that way (unclosed or stray
/// quotes and comments) only in a field's last statement, since what follows such a break has no one reading.
///
/// Run in strict mode: authres's default mode skips a property it cannot read and keeps the rest of the statement,
/// the guessing we must not do.
@Suite("Authentication-Results: our parser against Python's authres")
struct AuthenticationResultsOracleTests {
    static let authservID = "mx.rollout.example.org"

    /// A field and the statements it was built from (each without its `;`).
    struct Field {
        var value: String
        var statements: [String]
    }

    /// The class-1 attack fields (fixtures/attacks/authres-*.eml and control-authres-genuine-pass.eml, made by
    /// generate-authres.py), as our MTA would have written them; the control last.
    static let attackFields: [Field] = [
        Field(
            value: #"mx.rollout.example.org; spf=pass smtp.mailfrom="x\";dkim=pass header.d=lip.example.org;\"y\"z"@attacker.example.net; dmarc=fail header.from=lip.example.org"#,
            statements: [
                #" spf=pass smtp.mailfrom="x\";dkim=pass header.d=lip.example.org;\"y\"z"@attacker.example.net"#,
                " dmarc=fail header.from=lip.example.org",
            ]),
        Field(
            value: "mx.rollout.example.org; dkim=pass header.d=attacker.example.net header.d=lip.example.org header.s=s1",
            statements: [" dkim=pass header.d=attacker.example.net header.d=lip.example.org header.s=s1"]),
        Field(
            value: #"mx.rollout.example.org; spf=pass (sender \"x) smtp.mailfrom=bounce@attacker.example.net; dkim=pass header.d=attacker.example.net ("; dkim=pass header.d=lip.example.org; ")"#,
            statements: [
                #" spf=pass (sender \"x) smtp.mailfrom=bounce@attacker.example.net"#,
                #" dkim=pass header.d=attacker.example.net ("; dkim=pass header.d=lip.example.org; ")"#,
            ]),
        Field(
            value: "mx.rollout.example.org; dkim=pass (good (really; dkim=pass header.d=lip.example.org) signature) header.d=attacker.example.net",
            statements: [" dkim=pass (good (really; dkim=pass header.d=lip.example.org) signature) header.d=attacker.example.net"]),
        Field(
            value: #""mx.rollout.example.org; dkim=pass header.d=lip.example.org"; dmarc=fail header.from=lip.example.org"#,
            statements: [" dmarc=fail header.from=lip.example.org"]),
        Field(
            value: #"mx.rollout.example.org; dkim=fail reason="bad; dkim=pass header.d=lip.example.org" header.d=lip.example.org; dmarc=fail header.from=lip.example.org"#,
            statements: [
                #" dkim=fail reason="bad; dkim=pass header.d=lip.example.org" header.d=lip.example.org"#,
                " dmarc=fail header.from=lip.example.org",
            ]),
        Field(
            value: "mx.rollout.example.org; dkim=pass header.d=lip.example.org header.s=s1; spf=pass smtp.mailfrom=mario.david@lip.example.org; dmarc=pass header.from=lip.example.org",
            statements: [
                " dkim=pass header.d=lip.example.org header.s=s1", " spf=pass smtp.mailfrom=mario.david@lip.example.org",
                " dmarc=pass header.from=lip.example.org",
            ]),
    ]

    @Test("the oracle is there: /usr/bin/python3 with authres (apt-get install python3-authres)")
    func oracleIsInstalled() throws {
        let answers = try Self.askAuthres(["mx.example.org; dkim=pass header.d=example.org"])
        #expect(answers.first?.ok == true)
    }

    @Test("the class-1 attack fields: we agree with authres, or count only what authres reads")
    func attackFields() throws {
        try Self.compare(Self.attackFields)
    }

    @Test("1,500 generated fields (seed 8601): quoting, nested comments, escapes, repeats, addr-specs, breakage")
    func generatedFields() throws {
        var generator = AuthenticationResultsFieldGenerator(seed: 8601)
        let fields = (0..<1_500).map { _ in generator.field() }
        let outcome = try Self.compare(fields)
        // The generator must exercise both rules, and both kinds of dropped statement.
        #expect(outcome.agreedFields > 400)
        #expect(outcome.refusedFields > 200)
        #expect(outcome.droppedForRepeats > 50)
        #expect(outcome.countedWhereRefused > 100)
    }

    // MARK: Comparing

    /// What a comparison went through, to show that the generator reaches every case.
    struct Outcome {
        var agreedFields = 0
        var refusedFields = 0
        var droppedForRepeats = 0
        var countedWhereRefused = 0
    }

    /// What a counted statement says, for comparison.
    struct Reading: Hashable, CustomStringConvertible {
        var method: String
        var result: String
        var signingDomain: String?
        var headerFrom: String?
        var description: String { "\(method)=\(result) header.d=\(signingDomain ?? "-") header.from=\(headerFrom ?? "-")" }
    }

    @discardableResult
    static func compare(_ fields: [Field]) throws -> Outcome {
        let standalone = fields.flatMap { $0.statements.map { "\(authservID);\($0)" } }
        let answers = try askAuthres(fields.map(\.value) + standalone)
        try #require(answers.count == fields.count + standalone.count)
        var outcome = Outcome()
        var next = fields.count
        for (index, field) in fields.enumerated() {
            let ours = AuthenticationResults(parsing: field.value)
            let theirs = answers[index]
            let alone = answers[next..<next + field.statements.count]
            next += field.statements.count
            if theirs.ok {
                outcome.agreedFields += 1
                outcome.droppedForRepeats += agree(ours, theirs, field: field.value)
            } else {
                outcome.refusedFields += 1
                // Only what authres reads from one of the field's statements alone may count.
                let readable = Set(
                    alone.filter(\.ok).flatMap(\.results).filter { !repeats($0) }.compactMap { readingOf($0) })
                for result in ours.results {
                    outcome.countedWhereRefused += 1
                    #expect(
                        readable.contains(reading(result)),
                        "authres refuses \(field.value.debugDescription) (\(theirs.error ?? "")); we count \(reading(result)), which no statement of the field reads as")
                }
            }
        }
        return outcome
    }

    /// Checks one field both read; returns how many statements we dropped for a repeated property.
    static func agree(_ ours: AuthenticationResults, _ theirs: OracleAnswer, field: String) -> Int {
        #expect(ours.unreadable == nil, "authres reads \(field.debugDescription); we do not: \(ours.unreadable ?? "")")
        #expect(ours.authservID == theirs.authservID, "authserv-id of \(field.debugDescription)")
        // We may give up the rest of a field after a statement we cannot read (when a quote, parenthesis or backslash
        // stands in what we skip): then fewer statements, the last one dropped with the rest.
        let gaveUp: Bool
        if case .dropped(let last) = ours.resinfos.last, last.tookRestOfField { gaveUp = true } else { gaveUp = false }
        #expect(
            ours.resinfos.count == theirs.results.count || (gaveUp && ours.resinfos.count < theirs.results.count),
            "\(field.debugDescription): we see \(ours.resinfos.count) statements, authres \(theirs.results.count)")
        var droppedForRepeats = 0
        for (statement, their) in zip(ours.resinfos, theirs.results) {
            let repeated = repeats(their)
            let lenient = their.none == true || their.properties.contains { Self.rfcForbids($0[2]) }
            switch statement {
            case .dropped(let dropped):
                if repeated { droppedForRepeats += 1 }
                #expect(
                    repeated || lenient,
                    "\(field.debugDescription): we drop \(dropped.text.debugDescription) (\(dropped.reason)); authres reads it")
            case .read(let result):
                #expect(!repeated, "\(field.debugDescription): a property given twice, and we count \(reading(result))")
                #expect(their.none != true, "\(field.debugDescription): \"none\" among results, and we count it")
                if let expected = readingOf(their) {
                    #expect(reading(result) == expected, "\(field.debugDescription)")
                }
            }
        }
        return droppedForRepeats
    }

    /// Whether a statement authres read gives a property twice.
    static func repeats(_ their: OracleAnswer.Result) -> Bool {
        let names = their.properties.map { "\($0[0]).\($0[1])".lowercased() }
        return Set(names).count != names.count
    }

    /// A value authres 1.2.0 accepts and RFC 8601 does not: empty, with two `@`, or ending in `@`.
    static func rfcForbids(_ value: String) -> Bool {
        guard !value.hasPrefix("\"") else { return false }  // a quoted local-part: anything goes inside
        return value.isEmpty || value.hasSuffix("@") || value.filter { $0 == "@" }.count > 1
    }

    static func reading(_ result: AuthenticationResults.MethodResult) -> Reading {
        Reading(
            method: result.method, result: result.result, signingDomain: result.properties["header.d"],
            headerFrom: result.properties["header.from"])
    }

    /// What authres read, with quoted-pairs resolved as we do (authres keeps `\"` of a quoted-string as written; an
    /// addr-spec with a quoted local-part, which it writes back between quotes, is kept as written on both sides).
    static func readingOf(_ their: OracleAnswer.Result) -> Reading? {
        guard their.none != true, let method = their.method, let result = their.result else { return nil }
        func value(_ ptype: String, _ property: String) -> String? {
            guard let raw = their.properties.first(where: { $0[0] == ptype && $0[1] == property })?[2] else { return nil }
            return raw.hasPrefix("\"") ? raw : raw.replacingOccurrences(of: #"\\(.)"#, with: "$1", options: .regularExpression)
        }
        return Reading(method: method, result: result, signingDomain: value("header", "d"), headerFrom: value("header", "from"))
    }

    // MARK: The oracle

    /// One answer of `authres_oracle.py`.
    struct OracleAnswer: Decodable {
        struct Result: Decodable {
            var none: Bool?
            var method: String?
            var result: String?
            var properties: [[String]] = []

            enum CodingKeys: String, CodingKey { case none, method, result, properties }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                none = try c.decodeIfPresent(Bool.self, forKey: .none)
                method = try c.decodeIfPresent(String.self, forKey: .method)
                result = try c.decodeIfPresent(String.self, forKey: .result)
                properties = try c.decodeIfPresent([[String]].self, forKey: .properties) ?? []
            }
        }
        var ok: Bool
        var error: String?
        var authservID: String?
        var results: [Result] = []

        enum CodingKeys: String, CodingKey { case ok, error, authservID = "authserv_id", results }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ok = try c.decode(Bool.self, forKey: .ok)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            authservID = try c.decodeIfPresent(String.self, forKey: .authservID)
            results = try c.decodeIfPresent([Result].self, forKey: .results) ?? []
        }
    }

    struct OracleFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `/usr/bin/python3 authres_oracle.py` over `values`. Throws (the test fails, never skips) when python3
    /// or authres is missing.
    static func askAuthres(_ values: [String]) throws -> [OracleAnswer] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("authres_oracle.py")
        // ChildProcess (posix_spawn), not Foundation's Process: its run() crashed the test process in CI while other
        // tests spawned and closed descriptors (a bad read in its memcpy, 2026-12-08).
        let request = try JSONEncoder().encode(values)
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run("/usr/bin/python3", [script.path], stdin: request)
        } catch {
            throw OracleFailure(description: "cannot run /usr/bin/python3 (apt-get install python3 python3-authres): \(error)")
        }
        guard result.status == 0 else {
            throw OracleFailure(description: "authres_oracle.py exited \(result.status): \(result.errors)")
        }
        let answer = result.output
        return try JSONDecoder().decode([OracleAnswer].self, from: answer)
    }
}
