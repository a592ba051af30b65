import Foundation
import RolloutCore
import Testing

@Suite("One answer per message: what reaches the sender is folded, a list's post is not relayed back (issue 10 #3, #11)")
struct AnswerFoldingTests {
    @Test("an accept: the team's acknowledgement goes to the other members only, the managers still hear")
    func acceptFoldsAcknowledgement() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        let (sent, folded) = AnswerFolding(sender: World.italyMember).fold(decision)
        #expect(folded.map(\.template) == ["answer-acknowledged"])
        #expect(!sent.notifications.contains { $0.recipients.contains(World.italyMember) })
        #expect(sent.recipients(of: .teamAccepted, template: "answer-acknowledged") == [EmailAddress("andrea.chierici@cnaf.example.org")])
        #expect(sent.recipients(of: .teamAccepted, template: "team-accepted") == [World.manager, World.otherManager])
        #expect(sent.results == decision.results && sent.history == decision.history && sent.timers == decision.timers)
    }

    @Test("a thousand badly named reports: a thousand notices folded, none left for the sender")
    func thousandAttachments() {
        var scenario = Scenario.assigned()
        let attachments = (1...1_000).map { AttachmentFacts(fileName: "report-\($0).odt", head: openDocumentHead) }
        let decision = scenario.mail("", from: World.germanyMember, at: "2026-11-30 10:00", attachments: attachments)
        #expect(decision.notifications.filter { $0.kind == .reportRefused }.count == 1_000)
        let (sent, folded) = AnswerFolding(sender: World.germanyMember).fold(decision)
        #expect(folded.count == 1_000)
        #expect(sent.notifications.isEmpty)
        #expect(sent.attachments.count == 1_000)
    }

    @Test("the conversation text of a list post is relayed to the watchers, not back to the list it came through")
    func notRelayedBackToTheList() {
        let routing = NotificationRouting.defaults.overriding(with: [.init(kind: .conversation, recipients: [.watchers, .eaLists])])
        var scenario = Scenario.assigned(workflow: World.workflow(routing: routing))
        let decision = scenario.mail("Installed on two nodes, looks fine so far.", from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.recipients(of: .conversation).contains(World.list))
        let (sent, _) = AnswerFolding(sender: World.italyMember, arrivalLists: [World.list]).fold(decision)
        #expect(!sent.recipients(of: .conversation).contains(World.list))
        #expect(sent.recipients(of: .conversation).contains(World.manager))
        // A direct copy (not through the list) is relayed to the list as routed.
        let (direct, _) = AnswerFolding(sender: World.italyMember).fold(decision)
        #expect(direct.recipients(of: .conversation).contains(World.list))
    }

    @Test("the list a message came through: by List-Id, or a list's address in From")
    func arrivalLists() {
        var headers = InboundHeaders()
        headers.from = [Mailbox(name: "Paolo Veronesi via Early-adopters-emi", address: World.list)]
        #expect(AnswerFolding.arrivalLists(of: headers, among: [World.list]) == [World.list])
        headers.from = [Mailbox(address: World.italyMember)]
        headers.listID = "Early adopters of EMI <early-adopters-emi.lists.egi.example.org>"
        #expect(AnswerFolding.arrivalLists(of: headers, among: [World.list, EmailAddress("other@lists.egi.example.org")]) == [World.list])
        headers.listID = nil
        #expect(AnswerFolding.arrivalLists(of: headers, among: [World.list]).isEmpty)
    }
}
