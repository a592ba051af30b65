@testable import DowntimesGOCDB
import Foundation
import MailCurl
import RolloutGateway
import Testing

/// Beta downtimes read from GOCDB's public API (issue 22 part 2), against a stand-in serving GOCDB's XML shapes.
@Suite("GOCDB: the beta downtimes of a site")
struct GOCDBTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test("only ongoing downtimes of the site's beta services: not a production service's, not a future or ended one, not another site's that LIKE matched")
    func ongoingBeta() async throws {
        let fake = try GOCDBFake(now: now)
        defer { fake.stop() }
        let client = GOCDBClient(url: fake.url)
        let found = try await client.betaDowntimes(site: "INFN-T1", serviceTypes: nil, at: now)
        #expect(found.map(\.id) == ["30001"])
        #expect(found.first?.hostname == "se-test01.cr.cnaf.infn.it" && found.first?.serviceType == "SRM")
        #expect(found.first?.end == now.addingTimeInterval(86400))
        // Limited to service types: the SRM's downtime is not a CREAM-CE's.
        #expect(try await client.betaDowntimes(site: "INFN-T1", serviceTypes: ["CREAM-CE"], at: now).isEmpty)
        // A site whose name holds a LIKE wildcard finds its own downtime only.
        #expect(try await client.betaDowntimes(site: "UKI-LT2_QMUL", serviceTypes: nil, at: now).map(\.id) == ["30006"])
        // 'INFN_T1' is no site: LIKE matches INFN-T1 and INFNxT1 on the server, and the exact name keeps neither.
        #expect(try await client.betaDowntimes(site: "INFN_T1", serviceTypes: nil, at: now).isEmpty)
    }

    @Test("an <error> answer, an answer that is not the API's XML (or declares a DTD) and a server that is gone are errors, never 'no downtime'")
    func failures() async throws {
        #expect(try GOCDBDocument(Array("<results><error>Unknown parameter</error></results>".utf8), records: "DOWNTIME").error == "Unknown parameter")
        #expect(throws: GOCDBError.self) { try GOCDBDocument(Array("<html>502 Bad Gateway".utf8), records: "DOWNTIME") }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><results><DOWNTIME><DESCRIPTION>&b;</DESCRIPTION></DOWNTIME></results>"
        #expect(throws: GOCDBError.self) { try GOCDBDocument(Array(bomb.utf8), records: "DOWNTIME") }
        let fake = try GOCDBFake(now: now)
        fake.stop()
        await #expect {
            _ = try await GOCDBClient(url: fake.url, fetch: HTTPFetch(timeoutSeconds: 5)).betaDowntimes(site: "INFN-T1", serviceTypes: nil, at: now)
        } throws: { error in
            if case GOCDBError.unreachable = error { return true }
            return false
        }
    }
}
