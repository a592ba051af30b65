import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("The files one ticket keeps, at most inbound.ticket_files_max_bytes")
struct TicketFilesLimitTests {
    static let member = Sender(address: EmailAddress("paolo.veronesi@cnaf.example.org"), authentication: .weak)

    static func file(_ name: String, _ size: Int) -> IncomingAttachment {
        IncomingAttachment(fileName: name, contentType: "text/plain", bytes: [UInt8](repeating: UInt8(ascii: "x"), count: size))
    }

    /// A staged ticket with Italy assigned and accepted, on a gateway whose limit is `limit` bytes (nil: the default).
    static func world(limit: Int?) async throws -> (TestGateway, TicketID) {
        let test = try TestGateway(extraConfiguration: limit.map { "inbound:\n  ticket_files_max_bytes: \($0)\n" } ?? "")
        let ticket = try await test.staged()
        _ = try await test.apply("assign NGI_IT-INFN-T1", to: ticket, as: "mario.david@lip.example.org", at: "2026-11-27 15:00")
        _ = try await test.apply("accept NGI_IT-INFN-T1", to: ticket, as: member.address.value, at: "2026-11-27 16:00")
        return (test, ticket)
    }

    func send(_ test: TestGateway, _ ticket: TicketID, _ files: [IncomingAttachment]) async throws -> EventReport {
        try await test.gateway.apply(
            to: ticket, sender: Self.member, text: "Our logs.", attachments: files, cause: .message(id: "<\(UUID().uuidString)@test>"))
    }

    @Test("a file that would pass the limit is not kept and its sender is told; the ones that fit are kept, in order")
    func pastTheLimit() async throws {
        let (test, ticket) = try await Self.world(limit: 1_000)
        let first = try await send(test, ticket, [Self.file("a.log", 600), Self.file("b.log", 600), Self.file("c.log", 300)])
        let refused = first.results.filter { $0.status == .refused }
        #expect(refused.map(\.line) == ["(attachment b.log)"])
        #expect(refused.first?.message.contains("ticket_files_max_bytes") == true)
        #expect(try await test.store.attachments(of: ticket).map(\.verdict.fileName) == ["a.log", "c.log"])
        // 900 bytes kept: 100 left, whatever later mail brings.
        let second = try await send(test, ticket, [Self.file("d.log", 200)])
        #expect(second.results.filter { $0.status == .refused }.map(\.line) == ["(attachment d.log)"])
        #expect(try await test.store.attachments(of: ticket).count == 2)
        #expect(test.logs.entries.contains { $0.message.description.contains("attachment not kept") })
    }

    @Test("a strong sender's file is kept past the limit: a forger of a member's From cannot keep the team's report out")
    func strongSenderPastTheLimit() async throws {
        let (test, ticket) = try await Self.world(limit: 1_000)
        _ = try await send(test, ticket, [Self.file("junk.log", 900)])
        let strong = Sender(address: Self.member.address, authentication: .strong, basis: .token)
        let report = try await test.gateway.apply(
            to: ticket, sender: strong, text: "Our logs.", attachments: [Self.file("real.log", 600)], cause: .message(id: "<strong@test>"))
        #expect(!report.results.contains { $0.status == .refused })
        #expect(try await test.store.attachments(of: ticket).map(\.verdict.fileName) == ["junk.log", "real.log"])
    }

    @Test("the control: under the default limit every file is kept, no refusal")
    func underTheLimit() async throws {
        let (test, ticket) = try await Self.world(limit: nil)
        #expect(test.configuration.ticketFilesMaxBytes == 100 << 20)
        let report = try await send(test, ticket, [Self.file("a.log", 600), Self.file("b.log", 600), Self.file("c.log", 300)])
        #expect(!report.results.contains { $0.status == .refused })
        #expect(try await test.store.attachments(of: ticket).map(\.verdict.fileName) == ["a.log", "b.log", "c.log"])
    }
}
