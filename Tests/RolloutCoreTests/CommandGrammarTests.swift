import RolloutCore
import Testing

@Suite("Mail command grammar (SPEC §5)")
struct CommandGrammarTests {
    @Test(
        "accepted forms",
        arguments: [
            ("accept NGI_IT-INFN-T1", Command.accept(team: "NGI_IT-INFN-T1")),
            ("ACCEPT ea-NGI_IT-INFN-T1", .accept(team: "ea-NGI_IT-INFN-T1")),
            ("   Accept NGI_IT-INFN-T1.", .accept(team: "NGI_IT-INFN-T1")),
            ("reject ngi_de-fzk-lcg2", .reject(team: "ngi_de-fzk-lcg2")),
            ("downtime NGI_IT-INFN-T1 on", .downtime(team: "NGI_IT-INFN-T1", on: true)),
            ("Downtime ea-NGI_IT-INFN-T1 OFF", .downtime(team: "ea-NGI_IT-INFN-T1", on: false)),
            ("ggus 98765", .ggus(ticket: "98765")),
            ("GGUS #98765", .ggus(ticket: "98765")),
            ("ggus 1234567890", .ggus(ticket: "1234567890")),
            ("https://ggus.eu/?mode=ticket_info&ticket_id=98765", .ggus(ticket: "98765")),
            ("https://ggus.eu/index.php?mode=ticket_info&ticket_id=123456", .ggus(ticket: "123456")),
            ("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", .assign(teams: ["NGI_IT-INFN-T1", "NGI_DE-FZK-LCG2"])),
            ("assign NGI_IT-INFN-T1, NGI_DE-FZK-LCG2", .assign(teams: ["NGI_IT-INFN-T1", "NGI_DE-FZK-LCG2"])),
            ("unassign NGI_IT-INFN-T1", .unassign(team: "NGI_IT-INFN-T1")),
            ("extend NGI_IT-INFN-T1 3", .extend(team: "NGI_IT-INFN-T1", days: 3)),
            ("extend all 2", .extend(team: nil, days: 2)),
            ("escalate", .escalate),
            ("Escalate.", .escalate),
            ("outcome accept", .outcome(.accept)),
            ("Outcome: REJECT", .outcome(.reject)),
            ("docid 1234", .docid("1234")),
            ("resolve", .resolve),
            ("RESOLVE.", .resolve),
            ("status StageRollOut", .status("StageRollOut")),
            ("bundle", .bundle),
            ("Bundle.", .bundle),
            ("show", .show),
            ("  SHOW", .show),
        ])
    func accepted(line: String, command: Command) {
        #expect(CommandGrammar.read(line) == .command(command))
    }

    @Test(
        "sentences are conversation, not commands",
        arguments: [
            "I cannot accept this yet",
            "Accept the release please",
            "accept this yet",
            "Resolve this soon please",
            "We will escalate if needed",
            "status: still testing",
            "See https://ggus.eu/?mode=ticket_info&ticket_id=98765 for details",
            "ggus ticket opened yesterday",
            "ggus #",
            "https://ggus.eu/?mode=ticket_info&ticket_id=" + String(repeating: "7", count: 5_000),
            "outcome to be decided next week",
            "show me the logs please",
            "bundle them up",
            "",
            "Thanks,",
        ])
    func conversation(line: String) {
        #expect(CommandGrammar.read(line) == .text)
    }

    @Test(
        "malformed commands are answered with the expected form",
        arguments: [
            ("accept", Verb.accept),
            ("accept NGI_IT-INFN-T1 NGI_DE-FZK-LCG2", .accept),
            ("downtime NGI_IT-INFN-T1 maybe", .downtime),
            ("downtime NGI_IT-INFN-T1", .downtime),
            ("extend NGI_IT-INFN-T1 soon", .extend),
            ("extend NGI_IT-INFN-T1 -2", .extend),
            ("outcome", .outcome),
            ("outcome maybe", .outcome),
            ("docid", .docid),
            ("docid <script>", .docid),
            ("assign", .assign),
            ("ggus 12345678901", .ggus),
            ("ggus " + String(repeating: "9", count: 5_000), .ggus),
        ])
    func malformed(line: String, verb: Verb) {
        guard case .malformed(let found, _) = CommandGrammar.read(line) else {
            Issue.record("\(line) should be malformed, was \(CommandGrammar.read(line))")
            return
        }
        #expect(found == verb)
        #expect(!verb.usage.isEmpty)
    }

    @Test("a GGUS number of thousands of digits is refused without being echoed")
    func ggusNumberBounded() {
        let line = "ggus " + String(repeating: "9", count: 5_000)
        guard case .malformed(_, let problem) = CommandGrammar.read(line) else {
            Issue.record("a 5,000-digit GGUS number should be malformed")
            return
        }
        #expect(problem.count < 100)
    }
}
