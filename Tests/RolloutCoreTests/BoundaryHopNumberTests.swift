import Foundation
import RolloutCore
import Testing

/// "Received #N" in `explain` counts `Received` lines only, as a reader counts them in the header (issue 20).
@Suite("The boundary hop is numbered among Received lines, whatever trace fields stand between")
struct BoundaryHopNumberTests {
    static let lmtp = TraceField(.received, "from mx.rollout.example.org ([10.1.2.3]) by imap.rollout.example.org with LMTP id 7; Tue, 1 Dec 2026 10:00:02 +0100")
    static let results = TraceField(.authenticationResults, "mx.rollout.example.org; dkim=pass header.d=lip.example.org")
    static let outside = TraceField(.received, "from smtp.lip.example.org (smtp.lip.example.org [192.0.2.63]) by mx.rollout.example.org (Postfix) id 1; Tue, 1 Dec 2026 10:00:01 +0100")

    @Test("two Authentication-Results fields above Postfix's hop: it is Received #2, position 4")
    func numberedByReceivedLines() throws {
        let trace = [Self.results, Self.lmtp, Self.results, Self.results, Self.outside]
        let trust = AuthenticationVerdict.Trust(authservIDs: ["mx.rollout.example.org"], internalHosts: ["imap.rollout.example.org", "10.1.2.3"])
        let hop = try #require(BoundaryHop(trace: trace, internalHosts: trust.internalHosts))
        #expect(hop.position == 4)
        #expect(hop.number == 2)
        let verdict = AuthenticationVerdict(trace: trace, sender: EmailAddress("mario.david@lip.example.org"), trust: trust)
        #expect(verdict.boundary?.hasPrefix("Received #2: mx.rollout.example.org took it from") == true)
    }

    @Test("the IMAP server not listed: explain names it as the host to add, not the MTA")
    func adviceNamesTheIMAPServer() {
        let trust = AuthenticationVerdict.Trust(authservIDs: ["mx.rollout.example.org"])
        let verdict = AuthenticationVerdict(trace: [Self.results, Self.lmtp, Self.outside], sender: EmailAddress("mario.david@lip.example.org"), trust: trust)
        #expect(verdict.boundary?.hasPrefix("Received #1: received by imap.rollout.example.org, which is not one of our hosts; nothing counts.") == true)
        #expect(verdict.boundary?.hasSuffix("add imap.rollout.example.org to inbound.internal_hosts") == true)
        #expect(verdict.evidence.isEmpty)
    }
}
