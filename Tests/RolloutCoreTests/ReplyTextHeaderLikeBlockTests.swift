import RolloutCore
import Testing

/// Issue 17, class 3: a quoted original under a header block in a language the tables do not list.
@Suite("Reply text: a header-like block ends the new text, in any language")
struct ReplyTextHeaderLikeBlockTests {
    /// Outlook's header block as it writes it in each language (from, sent, to, subject), and one made up.
    static let blocks: [[String]] = [
        ["Od: Staged Rollout <staged-rollout@rollout.example.org>", "Poslano: petek, 27. november 2026 15:00",
         "Za: Mario David <mario.david@lip.example.org>", "Zadeva: [staged-rollout #12] Staged Rollout"],  // Slovenian
        ["Od: Staged Rollout <staged-rollout@rollout.example.org>", "Odoslané: piatok 27. novembra 2026 15:00",
         "Komu: Mario David", "Predmet: [staged-rollout #12] Staged Rollout"],  // Slovak
        ["Šalje: Staged Rollout <staged-rollout@rollout.example.org>", "Poslano: 27. studenoga 2026. 15:00",
         "Prima: Mario David", "Predmet: [staged-rollout #12] Staged Rollout"],  // Croatian
        ["Nuo: Staged Rollout <staged-rollout@rollout.example.org>", "Išsiųsta: 2026 m. lapkričio 27 d. 15:00",
         "Kam: Mario David", "Tema: [staged-rollout #12] Staged Rollout"],  // Lithuanian
        ["Saatja: Staged Rollout <staged-rollout@rollout.example.org>", "Saadetud: reede, 27. november 2026 15:00",
         "Adressaat: Mario David", "Teema: [staged-rollout #12] Staged Rollout"],  // Estonian
        ["De: Staged Rollout <staged-rollout@rollout.example.org>", "Enviat el: divendres, 27 de novembre de 2026 15:00",
         "Per a: Mario David", "Assumpte: [staged-rollout #12] Staged Rollout"],  // Catalan
        ["Vrumbo: staged-rollout@rollout.example.org", "Skrandat: 27 Zulbo 2026",
         "Plonk: Mario David", "Zhuppa: [staged-rollout #12] Staged Rollout"],  // made up: no name of any table
        ["*Vrumbo:* Staged Rollout", "*Skrandat :* quintday 27/11/2026"],  // made up, bold from HTML, French colon
        ["发信者：Staged Rollout <staged-rollout@rollout.example.org>", "时间：2026年11月27日 15:00"],  // made up, full-width colon
    ]

    @Test("the original's commands below a foreign header block are not read", arguments: blocks)
    func foreignBlock(block: [String]) {
        let text = (["accept NGI_IT-INFN-T1", "", "Mario", ""] + block + ["", "outcome accept", "docid 1234", "resolve"])
            .joined(separator: "\n")
        let reply = ReplyText(text)
        #expect(replyCommands(text) == [.accept(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.map(\.reason) == [.headerBlock])
        #expect(reply.cuts.first?.text.first == block[0])
    }

    @Test("a rule of '_', '-' or '=' above the block belongs to it, with words amid it or not", arguments: [
            "________________________________", "----------", "=====", "-----------------------------------",
            "-----Izvirno sporočilo-----", "----- Pôvodná správa -----", "======== Originali žinutė ========",
        ])
    func ruleAbove(rule: String) {
        let text = "accept NGI_IT-INFN-T1\n\(rule)\n\nNuo: staged-rollout@rollout.example.org\nIšsiųsta: 2026-11-27 15:00\n\nresolve"
        let reply = ReplyText(text)
        #expect(replyCommands(text) == [.accept(team: "NGI_IT-INFN-T1")])
        #expect(reply.cuts.first?.text.first == rule)
    }

    @Test("lines that read as commands are never a header block, even with a colon after the verb and a date")
    func commandsAreNoHeaderBlock() {
        let text = "outcome: accept\ndocid: 27/11/2026\nresolve\nstatus: StageRollOut"
        #expect(replyCommands(text) == [.outcome(.accept), .docid("27/11/2026"), .resolve, .status("StageRollOut")])
        #expect(ReplyText(text).cuts.isEmpty)
    }

    @Test("label lines without an address or a date, or a single one, are the sender's text")
    func notAHeaderBlock() {
        let list = "Status: installed on the test node\nProblems: none so far\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(list) == [.accept(team: "NGI_IT-INFN-T1")])
        let single = "Date: 27/11/2026 15:00\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(single) == [.accept(team: "NGI_IT-INFN-T1")])
        let url = "https://ggus.eu/?mode=ticket_info&ticket_id=123456\nmailto:paolo@cnaf.example.org\naccept NGI_IT-INFN-T1"
        #expect(replyCommands(url) == [.ggus(ticket: "123456"), .accept(team: "NGI_IT-INFN-T1")])
        let long = "The test node we installed: staged-rollout@x.org\nAnd the other one we used: 15:00\nresolve"
        #expect(replyCommands(long) == [.resolve], "labels longer than three words")
    }

    @Test("a long run of header-like lines without an address or date is new text, read in linear time", .timeLimit(.minutes(1)))
    func longRun() {
        let text = Array(repeating: "Subject: nothing", count: 20_000).joined(separator: "\n")
            + "\n\nVrumbo: a@b.org\nSkrandat: 15:00\nresolve"
        let reply = ReplyText(text)
        #expect(reply.cuts.map(\.reason) == [.headerBlock])
        #expect(reply.newLines.count == 20_001)
    }
}
