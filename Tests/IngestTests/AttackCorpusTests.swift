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
func attackWorld(hooks: any HookRunner = NoHooks(), strongBy: String = "[token, dkim, dmarc]") async throws -> IngestWorld {
    try await IngestWorld(
        extra: "  internal_hosts: [imap.rollout.example.org, 10.1.2.3]\n" + (strongBy.isEmpty ? "" : "  strong_by: \(strongBy)\n"),
        extraGateway: "  secret_file: \(attacks.appendingPathComponent("reply-secret").path)\n",
        edit: { $0.replacingOccurrences(of: "  strong_authentication: []\n", with: "") },
        hooks: hooks)
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

    @Test("by default (inbound.strong_by [token]) a DKIM pass of a domain shared with colleagues makes nobody strong")
    func strongByTokenOnly() async throws {
        let world = try await attackWorld(strongBy: "")
        defer { world.cleanUp() }
        #expect(world.configuration.strongBases == [.token])
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
            #expect(outcome.disposition == .applied || outcome.disposition == .setAside, "\(file)")
        }
        #expect(!hooks.ran.contains(.production))
        let rollout = try #require(try await world.store.load(TicketID(12))?.rolloutCase.rollout)
        #expect(rollout.status != .resolved && rollout.outcome == nil && rollout.documentID == nil)
        let history = try await world.store.history(of: TicketID(12))
        #expect(!history.contains { ["king@spammer.example.com", "evil@attacker.example.net"].contains($0.actor?.value ?? "") })
        #expect(try await world.store.attachments(of: TicketID(12)).isEmpty)
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
        let resolved = try #require(try await world.store.history(of: TicketID(12)).last { $0.action == "outcome" })
        #expect(resolved.authentication == .strong && resolved.basis == (dkim ? .dkim : .token))
    }
}
