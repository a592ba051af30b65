import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// What each message of fixtures/attacks/ must come to, written by hand beside it.
struct AttackExpectation: Codable, Equatable {
    var ticket: Int?
    var sender: String?
    var action: String
    var authentication: String
    var authenticationBasis: String
    var token: String?
    /// Per command line of the dry run: `applied`, or the refusal kind.
    var results: [String]
    var answer: Bool

    init(_ e: Explanation) {
        ticket = e.ticket
        sender = e.sender
        action = e.action
        authentication = e.authentication
        authenticationBasis = e.authenticationBasis
        token = e.token
        results = e.results.map { $0.refusal ?? $0.status }
        answer = e.answer
    }
}

/// Runs the production hook for real in a test: it only counts.
final class CountingHooks: HookRunner, @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [HookRun.Hook] = []
    var ran: [HookRun.Hook] { lock.withLock { runs } }
    func run(_ hook: HookRun) async throws { lock.withLock { runs.append(hook.hook) } }
}

let attacks = repository.appendingPathComponent("fixtures/attacks")

/// The attack suite's gateway: a reply secret, the default strong_authentication (status, outcome, docid, resolve), the
/// IMAP server's LMTP hop inside. The expected files are written for an operator who lets DKIM and DMARC make a sender
/// strong (`strongBy` below); the end-to-end test runs the whole suite with the default `[token]` as well.
/// On ticket #12 one team tested: NGI_DE-FZK-LCG2 accepted and its report is in, so that a `resolve` with ACCEPT is
/// refused for its sender alone, and a control's resolve applies (SPEC §4 step 9: no single mail to production).
func attackWorld(hooks: any HookRunner = NoHooks(), strongBy: String = "[token, dkim, dmarc]") async throws -> IngestWorld {
    let world = try await IngestWorld(
        extra: "  internal_hosts: [imap.rollout.example.org, 10.1.2.3]\n" + (strongBy.isEmpty ? "" : "  strong_by: \(strongBy)\n"),
        extraGateway: "  secret_file: \(attacks.appendingPathComponent("reply-secret").path)\n",
        edit: { $0.replacingOccurrences(of: "  strong_authentication: []\n", with: "") },
        hooks: hooks)
    let tested = try await world.gateway.apply(
        to: TicketID(12), sender: Sender(address: EmailAddress("pavel.weber@kit.example.org"), authentication: .weak),
        text: "accept NGI_DE-FZK-LCG2", attachments: [IncomingAttachment(fileName: testedTeamReport, bytes: openDocumentBytes)],
        cause: .operatorAction("test set-up"))
    guard tested.results.map(\.status) == [.applied], tested.attachments.map(\.kind) == [.report] else {
        throw AttackWorldSetUpFailed(results: tested.results, attachments: tested.attachments)
    }
    return world
}

/// The report of the team that tested ticket #12 in ``attackWorld(hooks:)``.
let testedTeamReport = "ea-NGI_DE-FZK-LCG2-EMI-1.0-SE-DPM_mysql-1.8.0-1.odt"
/// The first bytes of an OpenDocument file: a ZIP whose first member is the stored `mimetype`.
let openDocumentBytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)

/// The attack world's tested team could not be set up: every control's resolve would be refused for it.
struct AttackWorldSetUpFailed: Error {
    var results: [CommandResult]
    var attachments: [AttachmentVerdict]
}

@Suite("Attacks on trust: every forged mail refused with a record, the controls pass")
struct AttackCorpusTests {
    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: attacks.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted()
    }()

    @Test("the suite holds every attack class and its controls")
    func complete() {
        #expect(Self.files.count >= 24)
        #expect(Self.files.filter { $0.hasPrefix("control-") }.count >= 4)
    }

    @Test("each attack is explained as its expected file says", arguments: files)
    func explain(file: String) async throws {
        let world = try await attackWorld()
        defer { world.cleanUp() }
        let raw = [UInt8](try Data(contentsOf: attacks.appendingPathComponent(file)))
        let found = AttackExpectation(try await world.ingest.analyze(raw).explanation(registry: world.configuration.workflow.registry))
        let url = attacks.appendingPathComponent(file.replacingOccurrences(of: ".eml", with: ".expected.json"))
        let data = try #require(try? Data(contentsOf: url), "\(file) has no expected result")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let shown = String(decoding: try encoder.encode(found), as: UTF8.self)
        #expect(found == (try decoder.decode(AttackExpectation.self, from: data)), "\(file) is explained as \(shown)")
    }

    @Test("by default (inbound.strong_by [token, signature]) a DKIM pass of a domain shared with colleagues makes nobody strong")
    func strongByTokenOnly() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        #expect(world.configuration.strongBases == [.token, .signature])
        func explain(_ file: String) async throws -> AttackExpectation {
            let raw = [UInt8](try Data(contentsOf: attacks.appendingPathComponent(file)))
            return AttackExpectation(try await world.ingest.analyze(raw).explanation(registry: world.configuration.workflow.registry))
        }
        let dkim = try await explain("control-dkim-pass-above-boundary.eml")
        #expect(dkim.authentication == "weak" && dkim.results == ["needsStrongAuthentication", "needsStrongAuthentication", "needsStrongAuthentication"])
        let token = try await explain("control-manager-own-token.eml")
        #expect(token.authentication == "strong" && token.authenticationBasis == "token")
    }

    @Test(
        "through ingest: the production hook never runs, no stranger's text or file reaches anyone; the control resolves",
        arguments: ["", "[token, dkim, dmarc]"])
    func endToEnd(strongBy: String) async throws {
        let hooks = CountingHooks()
        let world = try await attackWorld(hooks: hooks, strongBy: strongBy)
        defer { world.cleanUp() }
        let before = try await world.store.pendingOutbox(at: world.clock.now, limit: 10_000).count
        for file in Self.files where !file.hasPrefix("control-") {
            let outcome = try await world.ingest.ingest([UInt8](try Data(contentsOf: attacks.appendingPathComponent(file))))
            // Several fixtures are the manager's own mail with one Date and the same words of his: after the first, the
            // same mail again (ReplayIdentity) — a duplicate, which applies nothing either.
            #expect([.applied, .setAside, .duplicate].contains(outcome.disposition), "\(file)")
        }
        #expect(!hooks.ran.contains(.production))
        let rollout = try #require(try await world.store.load(TicketID(12))?.rolloutCase.rollout)
        #expect(rollout.status != .resolved && rollout.outcome == nil && rollout.documentID == nil)
        let history = try await world.store.history(of: TicketID(12))
        #expect(!history.contains { ["king@spammer.example.com", "evil@attacker.example.net"].contains($0.actor?.value ?? "") })
        #expect(try await world.store.attachments(of: TicketID(12)).map(\.verdict.fileName) == [testedTeamReport], "only the tested team's report")
        let queued = try await world.store.pendingOutbox(at: world.clock.now, limit: 10_000).dropFirst(before)
        #expect(!queued.isEmpty, "the refusals are answered")
        for message in queued {
            let text = String(decoding: message.data, as: UTF8.self)
            #expect(!text.contains("STRANGER-TEXT-MARKER"), "a stranger's text was relayed in \(message.kind)")
            #expect(message.recipients != [EmailAddress("evil@attacker.example.net")], "an unvouched stranger was answered")
        }
        let rotated = queued.filter { $0.recipients == [EmailAddress("paolo.veronesi@cnaf.example.org")] }
            .map { String(decoding: $0.data, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "") }
        #expect(rotated.contains { $0.contains("not valid any more") })

        // The control: the manager's genuine mail resolves, and the hook runs — this test can fail. Signed by his domain
        // where the operator lets DKIM make strong; else from the reply address issued to him.
        let dkim = !strongBy.isEmpty
        let controlFile = dkim ? "control-dkim-pass-above-boundary.eml" : "control-manager-own-token.eml"
        let control = [UInt8](try Data(contentsOf: attacks.appendingPathComponent(controlFile)))
        let outcome = try await world.ingest.ingest(control)
        #expect(outcome.results.map(\.status) == [.applied, .applied, .applied])
        #expect(hooks.ran.filter { $0 == .production }.count == 1)
        let resolved = try #require(try await world.store.history(of: TicketID(12)).last { $0.action == .outcome })
        #expect(resolved.authentication == .strong && resolved.basis == (dkim ? .dkim : .token))
    }
}
