import RolloutCore
import Testing

@Suite("Authentication-Results counted by position: only our hosts' fields above the hop from outside")
struct AuthenticationVerdictTests {
    let trust = AuthenticationVerdict.Trust(
        authservIDs: ["mx.rollout.example.org"], internalHosts: ["imap.rollout.example.org", "10.9.9.9", "10.1.2.3"])
    let mario = EmailAddress("mario.david@lip.example.org")
    static let pass = TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=lip.example.org")
    static let outside = TraceField(.received, "from smtp.lip.example.org (smtp.lip.example.org [192.0.2.63]) by mx.rollout.example.org (Postfix) id 1; Tue, 1 Dec 2026 10:00:01 +0100")

    @Test(
        "where the field stands decides whether it counts",
        arguments: [
            // (trace, strong)
            ([pass, outside], true),
            ([outside, pass], false),  // below the hop: the sender wrote it
            ([pass], false),  // no hop of ours marks where it came in
            ([TraceField(.received, "from mx.rollout.example.org (mx.rollout.example.org [10.1.2.3]) by imap.rollout.example.org (Dovecot) with LMTP id 7; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], true),
            ([TraceField(.received, "from mx.rollout.example.org ([10.9.9.9]) by imap.rollout.example.org with LMTP id 7; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], true),
            ([TraceField(.received, "from localhost (localhost [127.0.0.1]) by mx.rollout.example.org (Postfix) id 2; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], true),
            // An LMTP hop from an address that is not listed is the boundary, whatever it is named.
            ([TraceField(.received, "from mx.rollout.example.org (mx.rollout.example.org [10.7.7.7]) by imap.rollout.example.org (Dovecot) with LMTP id 7; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], false),
            // LMTP over a socket names no address: the named host of ours decides.
            ([TraceField(.received, "from mx.rollout.example.org by imap.rollout.example.org (Dovecot) with LMTP id 7; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], true),
            // …but an SMTP hop without an address is the boundary.
            ([TraceField(.received, "from mx.rollout.example.org by mx.rollout.example.org with ESMTP id 8; Tue, 1 Dec 2026 10:00:02 +0100"), pass], false),
            // Bare addresses (Exchange, qmail) and a reverse name "(may be forged)" (Sendmail) decide nothing.
            ([TraceField(.received, "from mx.rollout.example.org (2001:db8::5) by mx.rollout.example.org with ESMTPS; date"), pass], false),
            ([TraceField(.received, "from unknown (HELO mx.rollout.example.org) (203.0.113.5) by mx.rollout.example.org with SMTP; date"), pass], false),
            ([TraceField(.received, "from x (mx.rollout.example.org [203.0.113.5] (may be forged)) by mx.rollout.example.org with ESMTP; date"), pass], false),
            // An unknown host above: fail closed, also for fields above it.
            ([pass, TraceField(.received, "from mx.rollout.example.org ([10.9.9.9]) by mailstore.other.example with LMTP; date"), outside], false),
            ([TraceField(.received, "from mx.rollout.example.org (mx.rollout.example.org [10.1.2.3]) by mailstore.other.example (Dovecot) with LMTP; Tue, 1 Dec 2026 10:00:02 +0100"), pass, outside], false),
            // The sender's HELO names our MX; the address it came from is not ours.
            ([TraceField(.received, "from mx.rollout.example.org (unknown [203.0.113.5]) by mx.rollout.example.org (Postfix) id 3; Tue, 1 Dec 2026 10:00:01 +0100"), pass], false),
            // Exim's helo= is a claim too.
            ([TraceField(.received, "from [203.0.113.5] (helo=imap.rollout.example.org) by mx.rollout.example.org with esmtp id 4; Tue, 1 Dec 2026 10:00:01 +0100"), pass], false),
            // A genuine fail above outweighs a pass from another of our fields.
            ([TraceField(.authenticationResults, "mx.rollout.example.org; dkim=fail header.d=lip.example.org"), pass, outside], false),
            ([TraceField(.authenticationResults, "mx.rollout.example.org; dkim=none"), pass, outside], false),
            ([TraceField(.authenticationResults, "mx.rollout.example.org; dmarc=fail header.from=lip.example.org"), pass, outside], false),
            // Another domain's failure does not matter.
            ([TraceField(.authenticationResults, "mx.rollout.example.org; dkim=fail header.d=lists.egi.eu"), pass, outside], true),
            ([TraceField(.authenticationResults, "relay.attacker.example; dkim=pass header.d=lip.example.org"), outside], false),
        ] as [([TraceField], Bool)])
    func position(trace: [TraceField], strong: Bool) {
        let verdict = AuthenticationVerdict(trace: trace, sender: mario, trust: trust)
        #expect(verdict.level == (strong ? .strong : .weak))
        if !strong { #expect(verdict.strongBasis == nil) }
    }

    @Test("Received fields are read leniently: HELO, verified name, address, receiving host")
    func received() {
        let postfix = ReceivedField(parsing: "from mail.lip.example.org (mail.lip.example.org [192.0.2.7])\n\tby mx.rollout.example.org (Postfix) with ESMTPS id 4Q\n\tfor <x@y>; Mon, 18 Mar 2024 17:05:01 +0000")
        #expect(postfix.heloName == "mail.lip.example.org")
        #expect(postfix.commentNames == ["mail.lip.example.org"])
        #expect(postfix.addresses == ["192.0.2.7"])
        #expect(postfix.byHost == "mx.rollout.example.org")
        let v6 = ReceivedField(parsing: "from x (unknown [IPv6:2001:db8::5]) by MX.Rollout.Example.Org; date")
        #expect(v6.addresses == ["2001:db8::5"] && v6.commentNames.isEmpty && v6.byHost == "mx.rollout.example.org")
        let qmail = ReceivedField(parsing: "from unknown (HELO mx.rollout.example.org) (203.0.113.5) by mx.rollout.example.org with SMTP; 1 Dec 2026")
        #expect(qmail.addresses == ["203.0.113.5"] && qmail.protocolName == "smtp")
        let exchange = ReceivedField(parsing: "from mx.rollout.example.org (2001:db8::5) by mx.rollout.example.org (2001:db8::1) with Microsoft SMTP Server; date")
        #expect(exchange.addresses == ["2001:db8::5"])
        let local = ReceivedField(parsing: "by mx.rollout.example.org (Postfix, from userid 0) id 5; date")
        #expect(!local.hasFromClause && !local.fromIsInternal(["mx.rollout.example.org"]))
    }

    // MARK: Statements the parser could not read, and pass against fail

    /// A trace of our MTA's field `value` above the hop from outside.
    func verdict(_ values: [String], sender: EmailAddress? = nil, alignment: DKIMAlignment = .strict) -> AuthenticationVerdict {
        let trust = AuthenticationVerdict.Trust(
            authservIDs: ["mx.rollout.example.org"], internalHosts: ["imap.rollout.example.org"], dkimAlignment: alignment)
        return AuthenticationVerdict(
            trace: values.map { TraceField(.authenticationResults, $0) } + [Self.outside], sender: sender ?? mario, trust: trust)
    }

    @Test(
        "class 1: our own field, talked into a pass by what the sender chose, is not strong",
        arguments: AuthenticationResultsOracleTests.attackFields.dropLast().map(\.value))
    func attackFields(field: String) {
        let verdict = verdict([field])
        #expect(verdict.level == .weak)
        #expect(verdict.strongBasis == nil)
    }

    @Test("the control: a genuine aligned DKIM pass in the same form is strong")
    func control() {
        let verdict = verdict([AuthenticationResultsOracleTests.attackFields.last!.value])
        #expect(verdict.strongBasis == .dkim)
    }

    @Test(
        "a pass and a fail (or none) of one method for the From's domain count as fail, in one field or two, either order",
        arguments: [
            ["mx.rollout.example.org; dkim=pass header.d=lip.example.org; dkim=fail header.d=lip.example.org"],
            ["mx.rollout.example.org; dkim=fail header.d=lip.example.org; dkim=pass header.d=lip.example.org"],
            ["mx.rollout.example.org; dkim=pass header.d=lip.example.org", "mx.rollout.example.org; dkim=none"],
            ["mx.rollout.example.org; dkim=none", "mx.rollout.example.org; dkim=pass header.d=lip.example.org"],
            ["mx.rollout.example.org; dkim=pass header.d=lip.example.org", "mx.rollout.example.org; dkim=fail (x) header.d=\"LIP.example.org\""],
            ["mx.rollout.example.org; dmarc=pass header.from=lip.example.org", "mx.rollout.example.org; dmarc=fail header.from=lip.example.org"],
        ])
    func passAndFail(fields: [String]) {
        let verdict = verdict(fields)
        #expect(verdict.level == .weak)
        #expect(!verdict.evidence.isEmpty)
    }

    @Test("an unreadable statement of ours counts neither way, and explain lists it")
    func unreadableStatements() {
        // A fail we cannot read does not veto, a pass we cannot read does not make strong.
        let hiddenFail = verdict([
            "mx.rollout.example.org; dkim=pass header.d=lip.example.org; dkim=fail header.d=lip.example.org header.d=x.example"
        ])
        #expect(hiddenFail.strongBasis == .dkim)
        #expect(hiddenFail.ignored.contains { $0.contains("header.d is given twice") })
        let hiddenPass = verdict(["mx.rollout.example.org; dkim=pass header.d=lip.example.org header.d=lip.example.org"])
        #expect(hiddenPass.strongBasis == nil)
        #expect(hiddenPass.ignored.count == 1)
        // A field whose authserv-id cannot be read counts for nothing either, and says why.
        let unreadable = verdict(["mx.rollout.example.org junk; dkim=pass header.d=lip.example.org"])
        #expect(unreadable.strongBasis == nil)
        #expect(unreadable.ignored == [#"Authentication-Results #1: cannot be read (the authserv-id is not followed by ";"), counts for nothing"#])
    }

    /// Organizational domains by a small table, as libpsl would give them.
    struct TableOrganizationalDomains: OrganizationalDomains {
        let suffixes: Set<String> = ["org", "uk", "co.uk", "ac.uk"]
        func organizationalDomain(of domain: String) -> String? {
            let labels = domain.lowercased().split(separator: ".")
            for count in 1...max(1, labels.count) where count <= labels.count {
                let suffix = labels.suffix(count).joined(separator: ".")
                if !suffixes.contains(suffix) { return count == 1 ? nil : suffix }
            }
            return nil
        }
    }

    @Test(
        "DKIM alignment: strict wants header.d equal to the From's domain; relaxed the same organizational domain, never a public suffix",
        arguments: [
            // (From, header.d, strict, relaxed)
            ("mario.david@lip.example.org", "lip.example.org", true, true),
            ("mario.david@LIP.Example.org", "lip.example.ORG", true, true),
            ("mario.david@sub.lip.example.org", "lip.example.org", false, true),
            ("mario.david@lip.example.org", "other.example.org", false, true),
            ("mario.david@lip.example.org", "attacker.example.net", false, false),
            ("someone@something.co.uk", "co.uk", false, false),
            ("someone@co.uk", "co.uk", true, false),
            ("someone@a.example.org", "org", false, false),
        ] as [(String, String, Bool, Bool)])
    func alignment(from: String, signer: String, strict: Bool, relaxed: Bool) {
        let field = "mx.rollout.example.org; dkim=pass header.d=\(signer)"
        #expect((verdict([field], sender: EmailAddress(from)).strongBasis == .dkim) == strict)
        #expect(
            (verdict([field], sender: EmailAddress(from), alignment: .relaxed(TableOrganizationalDomains())).strongBasis == .dkim)
                == relaxed)
    }
}
