import Foundation
import RolloutCore
import Testing

@Suite("Authentication-Results read element by element (RFC 8601 §2.2): nothing guessed")
struct AuthenticationResultsTests {
    /// The method=result of each statement that counts.
    func counted(_ value: String) -> [String] {
        AuthenticationResults(parsing: value).results.map { "\($0.method)=\($0.result)" + ($0.signingDomain.map { " d=\($0)" } ?? "") }
    }

    @Test("an escaped quote inside a quoted envelope sender does not end it: the smuggled pass stays text")
    func escapedQuoteInMailFrom() {
        // Given the envelope sender an attacker chose, copied by our MTA into smtp.mailfrom
        let parsed = AuthenticationResults(
            parsing: #"mx.rollout.example.org; spf=pass smtp.mailfrom="x\";dkim=pass header.d=lip.example.org;\"y\"z"@attacker.example.net; dmarc=fail header.from=lip.example.org"#)
        // Then there are two statements, and the address is one value whose domain is the attacker's
        #expect(parsed.results.map(\.method) == ["spf", "dmarc"])
        #expect(parsed.results[0].properties["smtp.mailfrom"] == #""x\";dkim=pass header.d=lip.example.org;\"y\"z"@attacker.example.net"#)
        #expect(parsed.results[0].domain == "attacker.example.net")
        #expect(parsed.dropped.isEmpty)
    }

    @Test("a property given twice drops the whole statement, and the next one is still read")
    func repeatedProperty() {
        let parsed = AuthenticationResults(
            parsing: "mx.rollout.example.org; dkim=pass header.d=attacker.example.net (x) header.D=lip.example.org header.s=s1; dmarc=fail header.from=lip.example.org")
        #expect(parsed.results.map(\.method) == ["dmarc"])
        #expect(parsed.dropped.count == 1)
        #expect(parsed.dropped.first?.reason == "header.d is given twice")
        #expect(parsed.dropped.first?.text == "dkim=pass header.d=attacker.example.net (x) header.D=lip.example.org header.s=s1")
    }

    @Test(
        "comments: nested, with escapes and quotes, never structure",
        arguments: [
            // (field, counted)
            (#"mx.rollout.example.org; dkim=pass (good (really; dkim=pass header.d=lip.example.org) sig) header.d=a.example"#, ["dkim=pass d=a.example"]),
            (#"mx.rollout.example.org; dkim=pass (a \) ; dkim=pass header.d=lip.example.org) header.d=a.example"#, ["dkim=pass d=a.example"]),
            (#"mx.rollout.example.org; spf=pass (sender \"x) smtp.mailfrom=b@a.example; dkim=fail header.d=a.example ("; dkim=pass header.d=lip.example.org; ")"#, ["spf=pass", "dkim=fail d=a.example"]),
            (#"mx.rollout.example.org (our (MX)) 1 (v); dkim (m) / (v) 1 (x) = (r) pass (c) header (p) . (q) d (e) = (f) a.example (g)"#, ["dkim=pass d=a.example"]),
        ] as [(String, [String])])
    func comments(field: String, expected: [String]) {
        #expect(counted(field) == expected)
    }

    @Test("a reason with a ';' in quotes is one value")
    func quotedReason() {
        let parsed = AuthenticationResults(
            parsing: #"mx.rollout.example.org; dkim=fail reason="bad; dkim=pass header.d=lip.example.org" header.d=lip.example.org"#)
        #expect(parsed.results.count == 1)
        #expect(parsed.results.first?.result == "fail")
        #expect(parsed.results.first?.properties["reason"] == "bad; dkim=pass header.d=lip.example.org")
    }

    @Test("values: token, quoted-string followed by more, addr-spec with a quoted local-part, @domain, base64")
    func values() {
        let parsed = AuthenticationResults(
            parsing: #"mx.rollout.example.org; dkim=pass header.d="lip.example.org"header.i="a\"b@c"@lip.example.org header.s = "sel 1" header.b=ab/c+d=e; spf=pass smtp.mailfrom=@lip.example.org"#)
        #expect(parsed.dropped.isEmpty)
        let dkim = parsed.results.first?.properties ?? [:]
        #expect(dkim["header.d"] == "lip.example.org")
        #expect(dkim["header.i"] == #""a\"b@c"@lip.example.org"#)
        #expect(dkim["header.s"] == "sel 1")
        #expect(dkim["header.b"] == "ab/c+d=e")
        #expect(parsed.results.last?.domain == "lip.example.org")
    }

    @Test(
        "a statement that cannot be read counts for nothing; reading resumes at the next ';' only when nothing before it could hide one",
        arguments: [
            // (field, counted, dropped)
            ("mx.rollout.example.org; dkim=pass header.d=a.example garbage; dmarc=fail header.from=a.example", ["dmarc=fail"], 1),
            ("mx.rollout.example.org; dkim=pass header.d=a@b@c; dmarc=fail header.from=a.example", ["dmarc=fail"], 1),
            ("mx.rollout.example.org; dkim=pass header.d=; dmarc=fail header.from=a.example", ["dmarc=fail"], 1),
            ("mx.rollout.example.org; dkim=pass header.d=lip.example.org reason=x; spf=pass", ["spf=pass"], 1),
            // An unclosed quote or comment runs to the end.
            (#"mx.rollout.example.org; spf=pass smtp.helo="x; dkim=pass header.d=lip.example.org"#, [], 1),
            ("mx.rollout.example.org; spf=pass (x; dkim=pass header.d=lip.example.org", [], 1),
            // A backslash or quote in unreadable text: whether the next ';' is structure cannot be told.
            (#"mx.rollout.example.org; spf=pass smtp.helo=a\"b; x=y"; dkim=pass header.d=lip.example.org"#, [], 1),
            (#"mx.rollout.example.org; dkim=fail header.d=x"y; dkim=pass header.d=lip.example.org"#, [], 1),
            // "none" only alone.
            ("mx.rollout.example.org; none", [], 0),
            ("mx.rollout.example.org 1; none", [], 0),
            ("mx.rollout.example.org; none; dkim=pass header.d=lip.example.org", ["dkim=pass d=lip.example.org"], 1),
            ("mx.rollout.example.org; dkim=pass header.d=lip.example.org;", ["dkim=pass d=lip.example.org"], 1),
        ] as [(String, [String], Int)])
    func unreadable(field: String, expected: [String], dropped: Int) {
        #expect(counted(field).map { $0.replacingOccurrences(of: " d=a.example", with: "") } == expected)
        #expect(AuthenticationResults(parsing: field).dropped.count == dropped)
    }

    @Test(
        "a field whose authserv-id cannot be read counts for nothing",
        arguments: [
            "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=lip.example.org; dkim=pass header.d=lip.example.org",
            "mx.rollout.example.org junk; dkim=pass header.d=lip.example.org",
            #""mx.rollout.example.org; dkim=pass header.d=lip.example.org; x"#,
            "(only a comment",
            "",
            "mx.rollout.example.org",
        ])
    func unreadableAuthservID(field: String) {
        let parsed = AuthenticationResults(parsing: field)
        #expect(parsed.unreadable != nil)
        #expect(parsed.authservID.isEmpty || parsed.results.isEmpty)
        #expect(parsed.results.isEmpty)
    }

    @Test("a quoted authserv-id is its text: one holding ';' and a pass is not ours")
    func quotedAuthservID() {
        let plain = AuthenticationResults(parsing: #""mx.rollout.example.org"; dkim=pass header.d=a.example"#)
        #expect(plain.authservID == "mx.rollout.example.org")
        let smuggled = AuthenticationResults(
            parsing: #""mx.rollout.example.org; dkim=pass header.d=lip.example.org"; dmarc=fail header.from=lip.example.org"#)
        #expect(smuggled.authservID == "mx.rollout.example.org; dkim=pass header.d=lip.example.org")
        #expect(smuggled.results.map(\.method) == ["dmarc"])
    }

    @Test(
        "reading stays linear in the field's length", .timeLimit(.minutes(1)),
        arguments: [
            String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000),
            "mx.rollout.example.org;" + String(repeating: #" dkim=pass header.d=a\"b;"#, count: 20_000),
            "mx.rollout.example.org; spf=pass smtp.helo=\"" + String(repeating: #"\"; dkim=pass "#, count: 20_000),
            "mx.rollout.example.org" + String(repeating: "; dkim=pass header.d=a.example header.s=\"x\" (c (d))", count: 20_000),
            "mx.rollout.example.org; dkim=pass" + String(repeating: " header.x=\"y\"@z", count: 20_000),
        ])
    func linear(field: String) {
        // 2,000 times shorter must take at most… well under a second each; the whole must not blow the time limit.
        let start = Date.now
        _ = AuthenticationResults(parsing: field)
        #expect(Date.now.timeIntervalSince(start) < 10)
    }
}
