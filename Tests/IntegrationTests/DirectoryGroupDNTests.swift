import DirectoryLDAP
import Foundation
import Testing

/// Which `isMemberOf` values and group entries count as the configured groups: only those under the groups' base DN
/// (a group of the same name in another CO or VO is someone else's).
@Suite("Directory group DNs: the whole DN, under the groups' base")
struct DirectoryGroupDNTests {
    static let base = "ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu"

    @Test("a same-named group outside the base is no group of ours; spacing and case aside, inside is")
    func outsideTheBase() {
        #expect(LDAPDirectory.groupName("cn=ea-NGI_IT-INFN-T1,ou=groups,o=OtherCO", under: Self.base) == nil)
        #expect(LDAPDirectory.groupName("cn=ea-NGI_IT-INFN-T1,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu,o=X", under: Self.base) == nil)
        // Below the base but not directly in it, or a multi-valued RDN beside the real group: someone else's entry.
        #expect(LDAPDirectory.groupName("cn=ea-NGI_IT-INFN-T1,ou=evil,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", under: Self.base) == nil)
        #expect(LDAPDirectory.groupName("cn=staged-rollout+description=x,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", under: Self.base) == nil)
        #expect(LDAPDirectory.groupName("uid=staged-rollout,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", under: Self.base) == nil)
        // An escaped comma is part of a value: this entry lies directly under dc=vo…, not in ou=groups.
        #expect(LDAPDirectory.groupName("cn=x\\,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", under: Self.base) == nil)
        #expect(!LDAPDirectory.isUnder("cn=x\\,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", Self.base))
        #expect(
            LDAPDirectory.groupName("CN=ea-NGI_IT-INFN-T1, OU=Groups, dc=VO,dc=ldap,dc=aai,dc=egi,dc=eu", under: Self.base) == "ea-NGI_IT-INFN-T1")
        #expect(LDAPDirectory.groupName("ea-NGI_IT-INFN-T1", under: Self.base) == "ea-NGI_IT-INFN-T1")
        #expect(!LDAPDirectory.isUnder(Self.base, Self.base))
        #expect(!LDAPDirectory.isUnder("cn=staged-rollout,ou=groups,o=OtherCO", Self.base))
        #expect(LDAPDirectory.isUnder("cn=staged-rollout,ou=groups,dc=vo,dc=ldap,dc=aai,dc=egi,dc=eu", Self.base))
    }
}
