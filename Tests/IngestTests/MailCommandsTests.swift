import ArchiveZIP
import Foundation
import Logging
import MailGMime
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// `bundle` and `show` by mail (issue 21 #1–#2), through the real ingest path: the answer read back from the outbox,
/// its ZIP read by Python's `email` and `zipfile`, compared with the bundle the CLI writes.
@Suite("bundle and show by mail")
struct MailCommandsTests {
    static let manager = "mario.david@lip.example.org"
    static let member = "paolo.veronesi@cnaf.example.org"
    static let reportName = ReportBundleTests.reportName

    /// Paolo's team accepts and sends its report (and its other member writes a comment holding `secret`).
    static func withReport(_ world: IngestWorld, comment secret: String? = nil) async throws {
        _ = try await world.gateway.apply(
            to: TicketID(12), sender: ReportBundleTests.paolo, text: "accept NGI_IT-INFN-T1",
            attachments: [ReportBundleTests.attachment(reportName, ReportBundleTests.odt("the report"))],
            cause: .message(id: "<report@cnaf>"))
        if let secret {
            _ = try await world.ingest.ingest(message(from: "pavel.weber@kit.example.org", body: "Our test went fine. \(secret)"))
        }
    }

    /// The messages queued to `address` since `before` messages were queued.
    static func queued(_ world: IngestWorld, to address: String, after before: Int = 0) async throws -> [OutgoingMessage] {
        try await world.store.pendingOutbox(at: world.clock.now, limit: 100_000).dropFirst(before)
            .filter { $0.recipients.contains(EmailAddress(address)) }
    }

    static func pending(_ world: IngestWorld) async throws -> [OutgoingMessage] {
        try await world.store.pendingOutbox(at: world.clock.now, limit: 100_000)
    }

    static func text(_ message: OutgoingMessage) -> String {
        String(decoding: message.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
    }

    /// The body text and attachments of a mail as Python's `email` reads it: `{"text": …, "files": {name: {member: hex}}}`.
    static func readMail(_ data: [UInt8], folder: String) throws -> (text: String, files: [String: [String: [UInt8]]]) {
        let path = folder + "/answer-\(UUID().uuidString).eml"
        try Data(data).write(to: URL(fileURLWithPath: path))
        let script = """
            import email, email.policy, io, json, sys, zipfile
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            text = m.get_body(preferencelist=('plain',)).get_content()
            files = {}
            for part in m.iter_attachments():
                z = zipfile.ZipFile(io.BytesIO(part.get_payload(decode=True)))
                assert z.testzip() is None
                files[part.get_filename()] = {n: z.read(n).hex() for n in z.namelist()}
            print(json.dumps({'text': text, 'files': files}))
            """
        let run = try ChildProcess.run("/usr/bin/python3", ["-c", script, path])
        try #require(run.status == 0, "Python could not read the answer: \(run.errors)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: Any])
        let files = try #require(decoded["files"] as? [String: [String: String]])
        return (
            try #require(decoded["text"] as? String),
            files.mapValues { members in
                members.mapValues { hex in stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! } }
            }
        )
    }

    @Test("a manager's bundle is answered with the ZIP attached, the same files as `reports bundle`, and recorded")
    func bundleAttached() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        try await Self.withReport(world)
        let before = try await Self.pending(world).count
        let outcome = try await world.ingest.ingest(message(from: "Mario David <\(Self.manager)>", body: "bundle"))
        #expect(outcome.results.map(\.status) == [.applied])
        let answers = try await Self.queued(world, to: Self.manager, after: before)
        #expect(answers.map(\.kind.rawValue) == ["transcript"])
        let answer = try #require(answers.first)
        let (text, files) = try Self.readMail(answer.data, folder: world.folder)
        #expect(text.contains("The report bundle is attached as staged-rollout-12-bundle.zip"))
        #expect(text.contains("Staged rollout EMI-1.0 SE-DPM_mysql 1.8.0-1"))
        let mailed = try #require(files["staged-rollout-12-bundle.zip"])

        let cli = try await world.gateway.reportBundle(of: TicketID(12))
        let cliPath = world.folder + "/cli.zip"
        try Data(try ZIPArchiveWriter().archive(cli.files, modifiedAt: world.clock.now)).write(to: URL(fileURLWithPath: cliPath))
        #expect(mailed == (try ReportBundleTests.members(of: cliPath)))
        #expect(mailed[Self.reportName] == ReportBundleTests.odt("the report"))

        let history = try await world.store.history(of: TicketID(12)).filter { $0.action == .bundleSent }
        #expect(history.count == 1)
        #expect(history.first?.actor == EmailAddress(Self.manager))
        #expect(history.first?.detail.contains("attached as staged-rollout-12-bundle.zip") == true)
    }

    @Test("over outbox.max_attachment_bytes the answer says how to fetch the bundle, and carries no file")
    func bundleOverCap() async throws {
        let world = try await IngestWorld(edit: {
            $0.replacingOccurrences(of: "\noutbox:\n", with: "\noutbox:\n  max_attachment_bytes: 200\n")
        })
        defer { world.cleanUp() }
        #expect(world.configuration.maxAttachmentBytes == 200)
        try await Self.withReport(world)
        let before = try await Self.pending(world).count
        _ = try await world.ingest.ingest(message(from: Self.manager, body: "bundle"))
        let answer = try #require(try await Self.queued(world, to: Self.manager, after: before).first)
        let (text, files) = try Self.readMail(answer.data, folder: world.folder)
        #expect(files.isEmpty)
        #expect(text.contains("more than the 200 bytes this gateway sends by mail (outbox.max_attachment_bytes)"))
        #expect(text.contains("rollout-gateway reports bundle 12 --output bundle-12.zip"))
        let history = try await world.store.history(of: TicketID(12)).filter { $0.action == .bundleSent }
        #expect(history.first?.detail.contains("not attached") == true)
    }

    @Test("bundle is refused with why: no report yet; from a team member; and a forged manager's From with a Reply-To gets the files only to the manager")
    func bundleRefusals() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let empty = try await world.ingest.ingest(message(from: Self.manager, body: "bundle"))
        #expect(empty.results.map(\.status) == [.refused])
        #expect(empty.results.first?.message.contains("has no report or summary yet: nothing to bundle") == true)

        try await Self.withReport(world)
        let member = try await world.ingest.ingest(message(from: Self.member, body: "bundle"))
        #expect(member.results.first?.refusal == .notAuthorized)

        let before = try await Self.pending(world).count
        let forged = try await world.ingest.ingest(
            message(from: Self.manager, extraHeaders: "Reply-To: thief@evil.example.net\r\n", body: "bundle"))
        #expect(forged.results.map(\.status) == [.applied])
        let new = try await Self.pending(world).dropFirst(before)
        #expect(new.allSatisfy { $0.recipients == [EmailAddress(Self.manager)] }, "\(new.map(\.recipients))")
        #expect(!new.isEmpty)
        let attached = try await world.store.history(of: TicketID(12)).filter { $0.action == .bundleSent }
        #expect(attached.count == 1, "the refused ones are not recorded as sent")
        #expect(attached.first?.authentication == .weak)
    }

    @Test("show from a member of a team on the ticket (weak): the state at the member's own address, without message texts")
    func showByMember() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        try await Self.withReport(world, comment: "SECRET-WORDS-4711")
        #expect(try await world.store.history(of: TicketID(12)).contains { $0.detail.contains("SECRET-WORDS-4711") })
        let before = try await Self.pending(world).count
        let outcome = try await world.ingest.ingest(
            message(from: "Paolo <\(Self.member)>", extraHeaders: "Reply-To: victim@elsewhere.example.net\r\n", body: "show"))
        #expect(outcome.results.map(\.status) == [.applied])
        let new = try await Self.pending(world).dropFirst(before)
        #expect(new.count == 1)
        #expect(new.allSatisfy { $0.recipients == [EmailAddress(Self.member)] })
        let (text, files) = try Self.readMail(try #require(new.first).data, folder: world.folder)
        #expect(files.isEmpty)
        #expect(text.contains("The state of ticket #12 (message texts not included):"))
        #expect(text.contains("    ea-NGI_IT-INFN-T1: accepted; by paolo.veronesi@cnaf.example.org"))
        #expect(text.contains("report \(Self.reportName)"))
        #expect(text.contains("(comment: message text not included)"))
        #expect(!text.contains("SECRET-WORDS-4711"))
        #expect(try await world.store.history(of: TicketID(12)).contains { $0.action == .stateShown && $0.actor == EmailAddress(Self.member) })
    }

    @Test("show from a stranger gets nothing (set aside, recorded); from a member of a team not on the ticket: refused with why, no state")
    func showRefused() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let before = try await Self.pending(world).count
        let stranger = try await world.ingest.ingest(message(from: "eve@evil.example.net", body: "show"))
        #expect(stranger.disposition == .setAside)
        #expect(stranger.reason?.contains("is not a member of an EA team") == true)
        #expect(try await Self.pending(world).count == before)

        let outsider = try await world.ingest.ingest(message(from: "daniela.bauer@imperial.example.org", body: "show"))
        #expect(outsider.results.first?.refusal == .notAuthorized)
        #expect(outsider.results.first?.message.contains("is not concerned by ticket #12") == true)
        let answers = try await Self.pending(world).dropFirst(before)
        #expect(answers.allSatisfy { $0.recipients == [EmailAddress("daniela.bauer@imperial.example.org")] })
        #expect(answers.allSatisfy { !Self.text($0).contains("The state of ticket") })
        #expect(!(try await world.store.history(of: TicketID(12)).contains { $0.action == .stateShown }))
    }

    @Test("a manager's show naming no ticket: every open rollout of their stacks, with what each waits for; a member's stays set aside")
    func overview() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        try await Self.withReport(world)
        world.clock.now = world.clock.now.addingTimeInterval(30 * 86400)
        let before = try await Self.pending(world).count
        let outcome = try await world.ingest.ingest(
            message(from: Self.manager, subject: "where are we?", extraHeaders: "Reply-To: thief@evil.example.net\r\n", body: "show"))
        #expect(outcome.disposition == .applied)
        let new = try await Self.pending(world).dropFirst(before)
        #expect(new.count == 1)
        #expect(new.allSatisfy { $0.recipients == [EmailAddress(Self.manager)] })
        let text = Self.text(try #require(new.first))
        #expect(text.contains("#12 Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1"))
        #expect(text.contains("ea-NGI_IT-INFN-T1: accepted"))
        #expect(text.contains("ea-NGI_DE-FZK-LCG2: no answer yet"))
        #expect(text.contains("OVERDUE"))
        #expect(text.contains("reports: 1/1"))
        #expect(text.contains("waits for answers from ea-NGI_DE-FZK-LCG2"))
        #expect(text.contains("all reports are in (send bundle for them)"))

        let member = try await world.ingest.ingest(message(from: Self.member, subject: "where are we?", body: "show"))
        #expect(member.disposition == .setAside)
        #expect(try await Self.queued(world, to: Self.member, after: before).allSatisfy { !Self.text($0).contains("#12 Staged") })
    }

    @Test("a directory manager's show naming no ticket from their second address is answered (the registry's isManager)")
    func overviewFromOtherAddress() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        try await Self.withReport(world)
        let ines = DirectoryPerson(id: "2b3c4d@egi.eu", addresses: [EmailAddress("ines.costa@lip.example.org"), EmailAddress("icosta@lip.example.org")])
        var configuration = world.configuration
        configuration.workflow.registry = configuration.workflow.registry.merged(
            with: DirectorySnapshot(people: [ines], teams: [:], groups: ["staged-rollout": [ines.id]]),
            DirectorySettings(url: "ldap://127.0.0.1/", baseDN: "dc=x", managersGroups: ["EMI": "staged-rollout"]))
        let clock = world.clock
        let gateway = Gateway(
            configuration: configuration, store: world.store, hooks: NoHooks(), clock: DateSource { clock.now },
            templates: try TemplateLibrary(), logger: Logger(label: "test"), signer: try configuration.replyAddressSigner(),
            writer: GMimeMessageWriter())
        let before = try await Self.pending(world).count
        let outcome = try await Ingest(gateway: gateway, parser: GMimeMailParser()).ingest(
            message(from: "icosta@lip.example.org", subject: "where are we?", body: "show"))
        #expect(outcome.disposition == .applied)
        let new = try await Self.pending(world).dropFirst(before)
        #expect(new.count == 1)
        #expect(new.allSatisfy { Self.text($0).contains("#12 Staged Rollout EMI-1.0") })
    }

    @Test("when every accepted team has reported, the managers' notice offers bundle")
    func allReportsInOffersBundle() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        try await Self.withReport(world)
        let notices = try await Self.pending(world).filter { $0.kind.rawValue == "all-reports-in" && $0.recipients == [EmailAddress(Self.manager)] }
        #expect(notices.count == 1)
        #expect(Self.text(try #require(notices.first)).contains("\r\n    bundle\r\n"))
    }
}
