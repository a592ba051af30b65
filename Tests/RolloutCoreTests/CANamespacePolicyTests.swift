import Testing

@testable import RolloutCore

@Suite("CA namespace policies: .signing_policy and .namespaces files beside each IGTF CA")
struct CANamespacePolicyTests {
    static let ca = "/C=NL/O=NIKHEF/CN=NIKHEF medium-security certification auth"

    static let signingPolicy = """
        # EACL for the NIKHEF CA
         access_id_CA      X509         '/C=NL/O=NIKHEF/CN=NIKHEF medium-security certification auth'
         pos_rights        globus        CA:sign
         cond_subjects     globus       '"/O=dutchgrid/*" "/C=NL/O=NIKHEF/OU=?/*"'
        """

    static let namespaces = """
        ##
        TO Issuer "/C=NL/O=NIKHEF/CN=NIKHEF medium-security certification auth" \\
          PERMIT Subject "/O=dutchgrid/.*"
        TO Issuer "/C=NL/O=NIKHEF/CN=NIKHEF medium-security certification auth" \\
          DENY Subject "/O=dutchgrid/O=users/O=evil/.*"
        TO Issuer SELF PERMIT Subject "/O=selfgrid/CN=host\\.example\\.org"
        """

    @Test(
        "signing_policy globs: what they permit and what they do not",
        arguments: [
            ("/O=dutchgrid/O=users/O=nikhef/CN=Mario David", true),
            ("/C=NL/O=NIKHEF/OU=X/CN=Someone", true),
            ("/C=NL/O=NIKHEF/OU=XY/CN=Someone", false),
            ("/O=dutchgrid", false),
            ("/O=otherGrid/CN=Mario David", false),
            ("/O=DUTCHGRID/CN=Mario David", false),
        ])
    func signingPolicyGlobs(subject: String, permitted: Bool) {
        #expect(CANamespacePolicy.signingPolicy(Self.signingPolicy).permits(subject: subject, issuedBy: Self.ca) == permitted)
    }

    @Test("a policy speaks only for the CA it names")
    func otherIssuer() {
        let policy = CANamespacePolicy.signingPolicy(Self.signingPolicy)
        #expect(!policy.permits(subject: "/O=dutchgrid/CN=Mario", issuedBy: "/C=NL/O=Evil/CN=Evil CA"))
        #expect(!CANamespacePolicy.namespaces(Self.namespaces).permits(subject: "/O=dutchgrid/CN=Mario", issuedBy: "/C=NL/O=Evil/CN=Evil CA"))
    }

    @Test("cond_subjects without CA:sign grants nothing")
    func withoutSignRight() {
        let text = Self.signingPolicy.replacingOccurrences(of: "CA:sign", with: "CA:none")
        #expect(CANamespacePolicy.signingPolicy(text).rules.isEmpty)
    }

    @Test(
        ".namespaces rules: permit, a deny that wins, SELF, escaped dots",
        arguments: [
            ("/O=dutchgrid/O=users/O=nikhef/CN=Mario David", ca, true),
            ("/O=dutchgrid/O=users/O=evil/CN=Mallory", ca, false),
            ("/O=selfgrid/CN=host.example.org", ca, true),
            ("/O=selfgrid/CN=hostXexample.org", ca, false),
        ])
    func namespaceRules(subject: String, issuer: String, permitted: Bool) {
        #expect(CANamespacePolicy.namespaces(Self.namespaces).permits(subject: subject, issuedBy: issuer) == permitted)
    }

    @Test(
        "hostile or unknown syntax grants nothing",
        arguments: [
            "TO Issuer \"\(ca)\" PERMIT Subject \"(/O=.*)*\"",  // groups: not supported, so nothing
            "TO Issuer \"\(ca)\" PERMIT Subject \"/O=[a-z]*/.*\"",
            "TO Issuer \"\(ca)\" PERMIT Subject \"/O=a|.*\"",
            "TO Issuer \"\(ca)\" PERMIT Subject \"**\"",
            "TO Issuer \"\(ca)\" PERMIT Subject \".*\" trailing words",
            "TO Issuer \"\(ca)\" PERMIT Subject \".*",
            "TO Issuer \"\(ca) PERMIT Subject .*",
            "TO Issuer \"\(ca)\" ALLOW Subject \".*\"",
            "TO Issuer \"\(ca)\" PERMIT Subject \"" + String(repeating: ".*", count: 600) + "\"",
            "\u{0}TO Issuer \"\(ca)\" PERMIT Subject \".*\"",
        ])
    func hostileNamespaces(text: String) {
        #expect(!CANamespacePolicy.namespaces(text).permits(subject: "/O=anything/CN=Mallory", issuedBy: Self.ca))
    }

    @Test("a pattern built to backtrack is matched in linear time")
    func noBacktracking() {
        let pattern = NamePattern(regex: String(repeating: "a*", count: 400) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 4000)))
    }

    @Test("an IGTF profile lists its CA aliases on its requires line")
    func profileAliases() {
        let text = """
            # @(#)policy-igtf-classic.info - IGTF classic authorities
            version = 1.131
            requires = AAACertificateServices = 1.131, NIKHEF = 1.131, ../../etc/passwd = 1, DigiCertGridCA-1G2-Classic-2015 = 1.131
            """
        #expect(IGTFProfileInfo.aliases(in: text) == ["AAACertificateServices", "NIKHEF", "DigiCertGridCA-1G2-Classic-2015"])
        #expect(IGTFProfileInfo.aliases(in: "version = 1\n").isEmpty)
    }
}
