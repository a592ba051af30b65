import PublicSuffixPSL
import RolloutCore
import Testing

@Suite("Relaxed DKIM alignment by organizational domain from the Public Suffix List (libpsl)")
struct PublicSuffixListDomainsTests {
    let domains = PublicSuffixListDomains()

    @Test("libpsl has a list")
    func loaded() {
        #expect(domains != nil)
    }

    @Test(
        "organizational domains: one label under the public suffix; a public suffix has none",
        arguments: [
            ("sub.lip.example.org", "example.org"),
            ("LIP.Example.Org.", "example.org"),
            ("www.cam.ac.uk", "cam.ac.uk"),
            ("something.co.uk", "something.co.uk"),
            ("co.uk", nil),
            ("ac.uk", nil),
            ("org", nil),
            ("", nil),
        ] as [(String, String?)])
    func organizationalDomain(domain: String, expected: String?) throws {
        let domains = try #require(domains)
        #expect(domains.organizationalDomain(of: domain) == expected)
    }

    @Test(
        "a pass by header.d aligns with the From's domain: relaxed by organizational domain, strict only when equal",
        arguments: [
            // (From's domain, header.d, strict, relaxed)
            ("sub.lip.example.org", "lip.example.org", false, true),
            ("lip.example.org", "lip.example.org", true, true),
            ("lip.example.org", "attacker.example.net", false, false),
            ("something.co.uk", "co.uk", false, false),
            ("a.cam.ac.uk", "ac.uk", false, false),
            ("a.cam.ac.uk", "cam.ac.uk", false, true),
            ("a.cam.ac.uk", "ox.ac.uk", false, false),
        ] as [(String, String, Bool, Bool)])
    func alignment(from: String, signer: String, strict: Bool, relaxed: Bool) throws {
        let domains = try #require(domains)
        #expect(DKIMAlignment.strict.aligns(from, signedBy: signer) == strict)
        #expect(DKIMAlignment.relaxed(domains).aligns(from, signedBy: signer) == relaxed)
        // And through the verdict, as the gateway judges a message.
        let trust = AuthenticationVerdict.Trust(authservIDs: ["mx.rollout.example.org"], dkimAlignment: .relaxed(domains))
        let verdict = AuthenticationVerdict(
            trace: [
                TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=\(signer)"),
                TraceField(.received, "from smtp.example (smtp.example [192.0.2.63]) by mx.rollout.example.org (Postfix) id 1; Tue, 1 Dec 2026 10:00:01 +0100"),
            ],
            sender: EmailAddress("someone@\(from)"), trust: trust)
        #expect((verdict.strongBasis == .dkim) == relaxed)
    }
}
