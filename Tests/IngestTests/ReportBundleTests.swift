import ArchiveZIP
import Foundation
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// Step 9b (issue 21 #1): the reports of a rollout in one ZIP for the document server, read back by an independent
/// reader (Python's `zipfile`).
@Suite("The report bundle for the document server")
struct ReportBundleTests {
    static let paolo = Sender(address: EmailAddress("paolo.veronesi@cnaf.example.org"), authentication: .weak)
    static let reportName = "ea-NGI_IT-INFN-T1-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt"

    /// An OpenDocument container (ZIP with `mimetype` first) whose text is `marker`.
    static func odt(_ marker: String) -> [UInt8] {
        [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)
            + Array(marker.utf8)
    }

    static func attachment(_ name: String, _ bytes: [UInt8]) -> IncomingAttachment {
        IncomingAttachment(fileName: name, contentType: "application/vnd.oasis.opendocument.text", bytes: bytes)
    }

    /// Every member of the ZIP at `path`, as Python's zipfile reads it (a CRC error fails the read).
    static func members(of path: String) throws -> [String: [UInt8]] {
        let script = "import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; n=z.namelist(); assert len(set(n)) == len(n), n; print(json.dumps({n: z.read(n).hex() for n in z.namelist()}))"
        let run = try ChildProcess.run("/usr/bin/python3", ["-c", script, path])
        try #require(run.status == 0, "zipfile could not read the bundle: \(run.errors)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: String])
        return decoded.mapValues { hex in
            stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
        }
    }

    @Test("each team's last well-named report (whatever case or extension), the summary and index.txt; a badly named report under not-named-as-required/ with its problem; other files listed, not bundled")
    func bundle() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Self.paolo, text: "accept NGI_IT-INFN-T1",
            attachments: [Self.attachment(Self.reportName, Self.odt("first")), Self.attachment("../../etc/cron.d/evil.odt", Self.odt("bad"))],
            cause: .message(id: "<1@cnaf>"))
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Self.paolo, text: "the report again, corrected",
            attachments: [
                Self.attachment(" EA-ngi_it-infn-t1-EMI-1.0-SE-DPM_mysql-1.8.0-1.ODT", Self.odt("second")),
                IncomingAttachment(fileName: "dpm.log", contentType: "text/plain", bytes: Array("log".utf8)),
            ], cause: .message(id: "<2@cnaf>"))

        // A release ticket names its staged rollout's bundle.
        let bundle = try await world.gateway.reportBundle(of: TicketID(11))
        #expect(bundle.description == "Staged rollout EMI-1.0 SE-DPM_mysql 1.8.0-1")
        let path = world.folder + "/bundle.zip"
        try Data(try ZIPArchiveWriter().archive(bundle.files, modifiedAt: world.clock.now)).write(to: URL(fileURLWithPath: path))

        let members = try Self.members(of: path)
        #expect(Set(members.keys) == ["index.txt", Self.reportName, "not-named-as-required/evil.odt"])
        #expect(members[Self.reportName] == Self.odt("second"), "the report sent last, under the name the procedure gives it")
        let index = String(decoding: try #require(members["index.txt"]), as: UTF8.self)
        #expect(index.hasPrefix("Staged rollout EMI-1.0 SE-DPM_mysql 1.8.0-1\n"))
        #expect(index.contains("  ea-NGI_IT-INFN-T1: accepted; report: \(Self.reportName)"))
        #expect(index.contains("  ea-NGI_DE-FZK-LCG2: no answer; report: none"))
        #expect(index.contains("  \(SHA256Hex.of(Self.odt("second")))  \(Self.odt("second").count)  \(Self.reportName)\n"))
        #expect(index.contains("not-named-as-required/evil.odt: "))
        #expect(index.contains("not in the bundle:\n  3  dpm.log"))
        #expect(!index.contains(SHA256Hex.of(Self.odt("first"))))
    }

    @Test("a file name cannot reach out of the bundle, hide a control, bidirectional or line-separator character, or grow past 200 bytes", arguments: [
        ("../../etc/passwd", "passwd"), ("C:\\Windows\\evil.odt", "evil.odt"), ("..", "unnamed"), (".hidden.odt", "hidden.odt"),
        ("a\u{0}b\r\n.odt", "a_b__.odt"), ("", "unnamed"), ("a/\u{301}b.odt", "\u{301}b.odt"), ("x\\\u{301}.odt", "\u{301}.odt"),
        ("report\u{202E}tdo.exe", "report_tdo.exe"), ("a\u{2028}b.odt", "a_b.odt"), ("c:d.odt", "c_d.odt"),
        ("x" + String(repeating: "\u{301}", count: 40_000) + ".doc", "x" + String(repeating: "\u{301}", count: 99)),
    ])
    func safeNames(name: String, expected: String) {
        #expect(ReportBundle.safeName(name) == expected)
    }

    @Test("a document refused for more than its name (content not what its extension says, a team not on the ticket) is listed, not bundled")
    func refusedDocuments() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: Self.paolo, text: "accept NGI_IT-INFN-T1",
            attachments: [
                Self.attachment(Self.reportName, Self.odt("ok")),
                Self.attachment("my report.odt", Array("not a zip".utf8)),
                Self.attachment("ea-NGI_FR-IN2P3-CC-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt", Self.odt("other team")),
            ], cause: .message(id: "<3@cnaf>"))
        let bundle = try await world.gateway.reportBundle(of: TicketID(12))
        #expect(bundle.files.map(\.path) == ["index.txt", Self.reportName, "not-named-as-required/ea-NGI_FR-IN2P3-CC-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt"])
        let index = String(decoding: bundle.files[0].bytes, as: UTF8.self)
        #expect(index.contains("refused, not in the bundle (bytes, name: why):\n  9  my report.odt: "))
    }

    @Test("a rollout without any report is refused, saying why; an unknown ticket is unknown")
    func refusals() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        await #expect {
            try await world.gateway.reportBundle(of: TicketID(12))
        } throws: { error in
            "\(error)".contains("has no report or summary yet")
        }
        await #expect(throws: GatewayError.self) { try await world.gateway.reportBundle(of: TicketID(99)) }
    }
}
