import RolloutCore
import Testing

@Suite("Inbound policy: the set-aside ladder and the sender's strength, as pure decisions")
struct InboundPolicyTests {
    static let gateway = EmailAddress("staged-rollout@rollout.example.org")
    static let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")

    static func facts(_ change: (inout InboundPolicy.Facts) -> Void = { _ in }) -> InboundPolicy.Facts {
        var facts = InboundPolicy.Facts(
            kind: .reply, sender: paolo, senderKnown: true, answerable: true, ticket: TicketID(12), ticketExists: true,
            gatewayAddress: gateway, tag: "staged-rollout")
        change(&facts)
        return facts
    }

    @Test(
        "the first rule that holds decides, and says whether to answer",
        arguments: [
            // (case, disposition, answer, reason contains)
            ("plain", InboundPolicy.Disposition.applied, true, ""),
            ("duplicate", .duplicate, false, ""),
            ("oversize", .setAside, true, "KiB"),
            ("invalid token, known", .setAside, true, "not valid any more"),
            ("invalid token, stranger", .setAside, false, "not valid any more"),
            ("no sender", .setAside, false, "cannot be told"),
            ("forged From", .setAside, false, "forged"),
            ("forged From through a list", .applied, true, ""),
            ("list From not through the list", .setAside, false, "says it comes from an EA list"),
            ("stranger, unvouched", .setAside, false, "not a member"),
            ("stranger, vouched", .setAside, true, "not a member"),
            ("stranger, vouched, answered this hour", .setAside, false, "not a member"),
            ("no ticket", .setAside, true, "names no ticket"),
            ("unknown ticket", .setAside, true, "no ticket #12"),
            ("loop", .loop, false, ""),
        ])
    func ladder(name: String, disposition: InboundPolicy.Disposition, answer: Bool, reason: String) {
        let facts = Self.facts { facts in
            switch name {
            case "duplicate": facts.duplicate = true
            case "oversize": facts.oversize = (30 << 20, 25 << 20)
            case "invalid token, known": facts.invalidToken = true
            case "invalid token, stranger": (facts.invalidToken, facts.senderKnown, facts.vouched) = (true, false, true)
            case "no sender": facts.sender = nil
            case "forged From": facts.fromFailed = true
            case "forged From through a list": (facts.fromFailed, facts.genuineListCopy) = (true, true)
            case "list From not through the list": facts.listFromForged = true
            case "stranger, unvouched": facts.senderKnown = false
            case "stranger, vouched": (facts.senderKnown, facts.vouched) = (false, true)
            case "stranger, vouched, answered this hour": (facts.senderKnown, facts.vouched, facts.answersLastHour) = (false, true, 1)
            case "no ticket": facts.ticket = nil
            case "unknown ticket": facts.ticketExists = false
            case "loop": facts.kind = .loop
            default: break
            }
        }
        let verdict = InboundPolicy.judge(facts)
        #expect(verdict.disposition == disposition, "\(name)")
        #expect(verdict.mayAnswer == answer, "\(name)")
        if reason.isEmpty {
            #expect(verdict.reason == nil, "\(name)")
        } else {
            #expect(verdict.reason?.contains(reason) == true, "\(name)")
        }
    }

    @Test("strength: the token for this very sender, then the headers; only accepted bases; a failed From never")
    func strength() {
        let dkim = AuthenticationVerdict(strongBasis: .dkim, vouched: true)
        let all: Set<AuthenticationBasis> = [.token, .dkim, .dmarc]
        #expect(InboundPolicy.strength(headers: .init(), tokenIssuedToSender: true, senderConcerned: true, accepted: all) == (.strong, .token))
        #expect(InboundPolicy.strength(headers: .init(), tokenIssuedToSender: true, senderConcerned: false, accepted: all) == (.weak, .fromOnly))
        #expect(InboundPolicy.strength(headers: dkim, tokenIssuedToSender: false, senderConcerned: true, accepted: all) == (.strong, .dkim))
        #expect(InboundPolicy.strength(headers: dkim, tokenIssuedToSender: false, senderConcerned: true, accepted: [.token]) == (.weak, .fromOnly))
        let failed = AuthenticationVerdict(fromFailed: true)
        #expect(InboundPolicy.strength(headers: failed, tokenIssuedToSender: true, senderConcerned: true, accepted: all) == (.weak, .fromOnly))
    }
}
