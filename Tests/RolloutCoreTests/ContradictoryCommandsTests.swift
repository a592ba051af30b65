import RolloutCore
import Testing

@Suite("Contradictions are not guessed (issue 12)")
struct ContradictoryCommandsTests {
    @Test(
        "a message saying both applies none of those lines and asks for one",
        arguments: [
            ("accept NGI_IT-INFN-T1\naccept NGI_IT-INFN-T1\nreject ea-ngi_it-infn-t1", "'accept NGI_IT-INFN-T1' and 'reject ea-ngi_it-infn-t1'"),
            ("reject NGI_IT-INFN-T1\naccept NGI_IT-INFN-T1", "'reject NGI_IT-INFN-T1' and 'accept NGI_IT-INFN-T1'"),
        ])
    func acceptAndReject(text: String, said: String) {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(text, from: World.italyMember, at: "2026-11-30 10:00")
        #expect(decision.statuses.allSatisfy { $0 == .refused })
        #expect(decision.statuses.count == text.split(separator: "\n").count)
        #expect(decision.results.allSatisfy { $0.refusal == .contradictory })
        #expect(decision.results[0].message == "your message says both \(said); reply with one line — none of these lines was applied")
        #expect(scenario.assignment(World.italy)?.answer == nil)
        #expect(decision.history.isEmpty && decision.timers.isEmpty)
    }

    @Test("other teams' lines and other commands still apply; repeating one command is no contradiction")
    func othersApply() {
        var scenario = Scenario.assigned()
        let decision = scenario.mail(
            """
            accept NGI_IT-INFN-T1
            reject NGI_IT-INFN-T1
            accept NGI_DE-FZK-LCG2
            accept NGI_DE-FZK-LCG2
            """, from: World.manager, at: "2026-11-30 10:00")
        #expect(decision.statuses == [.refused, .refused, .applied, .unchanged])
        #expect(scenario.assignment(World.germany)?.answer == .accepted)
        #expect(scenario.assignment(World.italy)?.answer == nil)
    }

    @Test("downtime on and off, and two outcomes, contradict")
    func downtimeAndOutcome() {
        var scenario = Scenario.assigned()
        scenario.mail("accept NGI_IT-INFN-T1", from: World.italyMember, at: "2026-11-30 10:00")
        let downtime = scenario.mail("downtime NGI_IT-INFN-T1 on\ndowntime NGI_IT-INFN-T1 off", from: World.italyMember, at: "2026-11-30 11:00")
        #expect(downtime.statuses == [.refused, .refused])
        #expect(downtime.results[0].message.hasPrefix("your message says both 'downtime NGI_IT-INFN-T1 on' and 'downtime NGI_IT-INFN-T1 off'"))
        let outcome = scenario.mail("outcome accept\ndocid 1234\noutcome reject", from: World.manager, at: "2026-12-08 10:00")
        #expect(outcome.statuses == [.refused, .applied, .refused])
        #expect(scenario.rollout.outcome == nil)
    }

    @Test("the contradictions are found in one pass over the lines")
    func finder() {
        let lines = ["accept NGI_IT-INFN-T1", "I accept this", "outcome accept", "reject NGI_IT-INFN-T1"].map { ReadLine($0) }
        let found = ContradictoryCommands(lines)
        #expect(found.reason(forLine: 0) != nil && found.reason(forLine: 3) != nil)
        #expect(found.reason(forLine: 1) == nil && found.reason(forLine: 2) == nil)
        #expect(!found.isEmpty)
        #expect(ContradictoryCommands([ReadLine("accept NGI_IT-INFN-T1")]).isEmpty)
    }
}
