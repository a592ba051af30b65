import RolloutCore
import Testing

@Suite("Titles, team names and report file names")
struct NamesTests {
    @Test(
        "titles are formatted and read back",
        arguments: [
            ComponentRelease(stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64"),
            ComponentRelease(stack: "CA", component: nil, version: "1.38"),
            ComponentRelease(stack: "gLite-3.2", component: "WMS", version: "3.2.14"),
        ])
    func titlesRoundTrip(release: ComponentRelease) {
        let title = TicketTitle.stagedRollout(release)
        #expect(TicketTitle.parseStagedRollout(title) == release)
    }

    @Test("the seed's examples")
    func seedTitles() {
        #expect(
            TicketTitle.stagedRollout(World.component) == "Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64")
        #expect(TicketTitle.parseStagedRollout("Staged Rollout CA 1.38") == ComponentRelease(stack: "CA", component: nil, version: "1.38"))
        #expect(TicketTitle.parseStagedRollout("staged rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64")?.architecture == "x86_64")
        #expect(TicketTitle.parseStagedRollout("Staged Rollout") == nil)
        #expect(TicketTitle.parseStagedRollout("Release EMI-1.0 X 1.0") == nil)
        #expect(World.component.stackFamily == "EMI")
    }

    @Test(
        "team names resolve in any written form",
        arguments: ["NGI_IT-INFN-T1", "ea-NGI_IT-INFN-T1", "EA-ngi_it-infn-t1", "ngi_it-INFN-T1"])
    func teamForms(written: String) {
        #expect(World.registry.team(named: written) == .found(World.registry.teams[World.italy]!))
    }

    @Test("a site name may contain hyphens; the NGI may not")
    func hyphens() {
        let team = TeamName("ea-NGI_UK-UKI-LT2-IC-HEP")
        #expect(team?.ngi == "NGI_UK")
        #expect(team?.site == "UKI-LT2-IC-HEP")
        #expect(TeamName("INFN") == nil)
        #expect(TeamName("-INFN") == nil)
        #expect(TeamName("NGI IT-INFN") == nil)
    }

    @Test(
        "a name is ASCII letters, digits, _ and . (and - in the site): anything else is no name",
        arguments: [
            "NGI_IT-INFN-", "NGI_IT--INFN", "ea-", "ea--X", "NGI_ÌT-INFN", "NGI_IT-INFN\u{301}", "ea-\u{301}NGI_IT-INFN",
            "NGI_IT-IN FN", "NGI_IT-INFN\r\n-T1", "\r\nNGI_IT-INFN", "ＮGI-X", "NGI_IT-İNFN",
        ])
    func notNames(text: String) {
        #expect(TeamName(text) == nil)
    }

    @Test("the name's key is its short form in lower case, whatever was written around it")
    func keys() {
        #expect(TeamName("  EA-NGI_IT-Infn-T1.x\t")?.key == "ngi_it-infn-t1.x")
        #expect(TeamName("ea-NGI_IT-INFN-T1")?.description == "ea-NGI_IT-INFN-T1")
        #expect(TeamName("Ea-ea-X")?.description == "ea-ea-X")
        #expect(TeamName("eA-X-Y")?.shortForm == "X-Y")
    }

    @Test("an unknown team yields the closest registered names")
    func unknownTeamHint() {
        guard case .unknown(_, let closest) = World.registry.team(named: "NGI_IT-INFN-T2") else {
            Issue.record("NGI_IT-INFN-T2 should be unknown")
            return
        }
        #expect(closest.first == World.italy)
        guard case .unknown(_, let none) = World.registry.team(named: "XYZ-Q") else { return }
        #expect(!none.contains(World.germany))
    }

    @Test("report and summary names follow steps 8 and 9")
    func fileNames() {
        #expect(
            ReportFiles.reportName(team: World.italy, release: World.component)
                == "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt")
        #expect(ReportFiles.summaryName(release: World.component, extension: "doc") == "summary-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc")
        #expect(ReportFiles.reportName(team: World.italy, release: ComponentRelease(stack: "CA", component: nil, version: "1.38"), extension: "doc") == "ea-NGI_IT-INFN-T1-CA-1.38.doc")
        #expect(World.component.documentDescription == "Staged rollout EMI-1.0 SE-DPM_mysql 1.8.0-1")
    }

    @Test(
        "file names are read against the rules",
        arguments: [
            ("ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", ReportFiles.NameReading.report(World.italy)),
            ("EA-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_MYSQL-1.8.0-1.DOCX", .report(World.italy)),
            ("summary-EMI-1.0-SE-DPM_mysql-1.8.0-1.doc", .summary),
            ("summary-EMI-1.0-SE-DPM_mysql-1.8.0-1.docx", .badlyNamedDocument),  // summaries are doc or odt only
            ("report.docx", .badlyNamedDocument),
            ("ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0.odt", .badlyNamedDocument),  // wrong version
            ("dpm-logs.txt", .other),
            ("screenshot.png", .other),
        ])
    func readsFileNames(name: String, expected: ReportFiles.NameReading) {
        #expect(ReportFiles.read(fileName: name, release: World.component, teams: [World.italy, World.germany]) == expected)
    }

    @Test("the content must be the container the extension claims")
    func containers() {
        let ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 40)
        let text = Array("This is my report, as plain text.".utf8)
        #expect(ReportFiles.containerProblem(fileName: "a.odt", bytes: openDocumentHead) == nil)
        #expect(ReportFiles.containerProblem(fileName: "a.odt", bytes: zip) != nil)  // a ZIP without mimetype
        #expect(ReportFiles.containerProblem(fileName: "a.docx", bytes: zip) == nil)
        #expect(ReportFiles.containerProblem(fileName: "a.doc", bytes: ole) == nil)
        #expect(ReportFiles.containerProblem(fileName: "a.doc", bytes: text) != nil)
        #expect(ReportFiles.containerProblem(fileName: "a.docx", bytes: ole) != nil)
    }

    @Test("an address's domain, found by byte in an ASCII address, is the one the split by characters gives")
    func domains() {
        func splitDomain(_ address: EmailAddress) -> String {
            address.value.split(separator: "@").last.map { String($0).lowercased() } ?? ""
        }
        // Every address of up to four symbols of an alphabet with the edge cases: no `@`, several, at either end,
        // capitals, a Kelvin sign (lowered to ASCII), a combining accent after `@`, a space (trimmed).
        let alphabet = ["a", "B", "@", ".", "\u{212A}", "\u{301}", " "]
        var words = [""]
        for _ in 0..<4 { words += words.flatMap { word in alphabet.map { word + $0 } }.filter { $0.unicodeScalars.count <= 4 } }
        for word in Set(words) {
            let address = EmailAddress(word)
            #expect(address.domain == splitDomain(address), "\(word.unicodeScalars.map { $0.value })")
        }
        #expect(EmailAddress("Someone@CNAF.Infn.IT").domain == "cnaf.infn.it")
        #expect(EmailAddress("someone@").domain == "someone")
    }
}
