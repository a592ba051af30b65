import RolloutCore
import RolloutGateway
import Testing
import WebView

@Suite("Who a web request comes from: the header believed from a trusted proxy only (issue 21 part 4)")
struct WebIdentityTests {
    static let registry = Registry(
        teams: [EATeam(name: TeamName("NGI_IT-INFN-T1")!, members: [EmailAddress("paolo@cnaf.example.org")], stacks: ["EMI"])],
        stacks: ["EMI": StackPeople(managers: [EmailAddress("mario@lip.example.org")], lists: [])], releaseManagers: [])
    static let settings = WebSettings(host: "127.0.0.1", port: 8025, trustedProxies: ["10.0.0.5", "::1"], userHeader: "X-Remote-User")

    func decide(_ peer: String?, _ header: [String], settings: WebSettings = Self.settings) -> WebIdentity {
        WebIdentity.decide(peer: peer, headerValues: header, settings: settings, registry: Self.registry)
    }

    @Test("a known person through a listed proxy is that person, in any case")
    func trustedProxy() {
        #expect(decide("10.0.0.5", ["Mario@LIP.example.org"]) == .person(EmailAddress("mario@lip.example.org")))
        #expect(decide("::1", ["paolo@cnaf.example.org"]) == .person(EmailAddress("paolo@cnaf.example.org")))
        #expect(decide("::ffff:10.0.0.5", ["paolo@cnaf.example.org"]) == .person(EmailAddress("paolo@cnaf.example.org")), "IPv4-mapped")
    }

    @Test("the header from a client that is not a listed proxy is not believed, loopback included: 401")
    func untrustedPeer() {
        for peer: String? in ["127.0.0.1", "10.0.0.6", "::2", nil, "not an address"] {
            guard case .unauthenticated(let why) = decide(peer, ["mario@lip.example.org"]) else {
                Issue.record("\(peer ?? "nil") was believed")
                continue
            }
            #expect(why.contains("web.trusted_proxies"))
        }
        // The default: nobody listed, nobody believed, not even loopback.
        #expect(decide("127.0.0.1", ["mario@lip.example.org"], settings: .defaults) != .person(EmailAddress("mario@lip.example.org")))
    }

    @Test("no header, two headers, or a value that is not an address: 401")
    func badHeader() {
        for values in [[], [""], ["mario@lip.example.org", "paolo@cnaf.example.org"], ["Mario <mario@lip.example.org>"], ["mario"], ["a@b.c\r\nx"]] {
            guard case .unauthenticated = decide("10.0.0.5", values) else {
                Issue.record("\(values) was believed")
                continue
            }
        }
    }

    @Test("a person the configuration does not know: 403, with why")
    func unknownPerson() {
        guard case .forbidden(let why) = decide("10.0.0.5", ["eve@example.org"]) else {
            Issue.record("an unknown person was let in")
            return
        }
        #expect(why.contains("eve@example.org"))
    }
}
