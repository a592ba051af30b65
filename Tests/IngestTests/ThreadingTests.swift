import Foundation
import MailGMime
import MailMaildir
import RolloutCore
import RolloutGateway
import TestSupport
import Testing

/// Delivers each message into its recipient's own Maildir (`root/<address>`), as the recipients' MTAs would, and
/// remembers who got what, in order.
final class PeopleMaildirs: MailTransport, @unchecked Sendable {
    let root: String
    private let lock = NSLock()
    private var log: [(recipient: EmailAddress, message: OutgoingMessage)] = []

    init(root: String) { self.root = root }

    var name: String { "people's maildirs \(root)" }

    func inbox(_ person: EmailAddress) -> String { "\(root)/\(person.key)" }

    /// What a person received, oldest first.
    func received(by person: EmailAddress) -> [OutgoingMessage] {
        lock.withLock { log.filter { $0.recipient == person }.map(\.message) }
    }

    var recipients: Set<EmailAddress> { lock.withLock { Set(log.map(\.recipient)) } }

    func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        for message in messages {
            var outcome = DeliveryOutcome.delivered
            for recipient in message.recipients {
                let delivered = await MaildirTransport(root: inbox(recipient)).deliver([message])
                if delivered != [.delivered] { outcome = delivered[0] }
                lock.withLock { log.append((recipient, message)) }
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}

/// Threading in real clients (issue 20 #8): every person's mail of a ticket hangs under a message they received.
@Suite("Each person's mail threads as one thread per ticket, under a root they received")
struct ThreadingTests {
    static let secret = "  secret_file: \(attacks.appendingPathComponent("reply-secret").path)\n"
    static let paolo = EmailAddress("paolo.veronesi@cnaf.example.org")
    static let pavel = EmailAddress("pavel.weber@kit.example.org")
    static let goncalo = EmailAddress("goncalo.borges@lip.example.org")
    static let mario = EmailAddress("mario.david@lip.example.org")
    static let names = [paolo: "Paolo Veronesi", pavel: "Pavel Weber", goncalo: "Gonçalo Borges", mario: "Mario David"]

    /// A person's answer to the last mail they received of `ticket`, as a mail client writes it: to its Reply-To,
    /// `Re:` its subject, In-Reply-To it, References its References and it. Kept in the person's Sent folder.
    static func reply(
        _ person: EmailAddress, on ticket: TicketID, saying text: String, people: PeopleMaildirs, sent: String
    ) async throws -> [UInt8] {
        let tag = "#\(ticket.rawValue)]"
        let answered = try #require(
            people.received(by: person).last { GMimeMailParser().parse($0.data).headers.subject.contains(tag) },
            "\(person) received nothing of ticket \(ticket)")
        let headers = GMimeMailParser().parse(answered.data).headers
        let id = try #require(headers.messageID)
        let replyTo = try #require(headers.replyTo.first?.address.value)
        let own = "\(UUID().uuidString)@\(person.domain)"
        let raw = Array(
            """
            From: \(names[person] ?? person.value) <\(person.value)>\r
            To: \(replyTo)\r
            Subject: Re: \(headers.subject)\r
            Message-ID: <\(own)>\r
            In-Reply-To: <\(id)>\r
            References: \((headers.references + [id]).map { "<\($0)>" }.joined(separator: " "))\r
            Date: \(MessageDates.next())\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(text.replacingOccurrences(of: "\n", with: "\r\n"))\r
            \r
            On Mon, 1 Dec 2025 at 15:40, EGI Staged Rollout wrote:\r
            > \(headers.subject)\r

            """.utf8)
        let kept = await MaildirTransport(root: "\(sent)/\(person.key)").deliver([
            OutgoingMessage(
                messageID: own, ticket: nil, kind: .errorReply, sender: person, recipients: [person], data: raw,
                createdAt: Date())
        ])
        #expect(kept == [.delivered])
        return raw
    }

    /// What `Tests/clients/mail_threads.py` reads in a person's inbox and Sent folder (Python's `email` and JWZ
    /// threading from PyPI's threadweave).
    struct Threads: Decodable {
        struct Thread: Decodable {
            var root: String?
            var root_present: Bool
            var size: Int
            var tickets: [String]
        }
        var messages: Int
        var threads: [Thread]
        var missing: [String]
    }

    static func threads(in folders: [String]) throws -> Threads {
        let script = repository.appendingPathComponent("Tests/clients/mail_threads.py").path
        let run = try ChildProcess.run("/usr/bin/python3", [script] + folders.filter { FileManager.default.fileExists(atPath: $0) })
        try #require(run.status == 0, "mail_threads.py failed (scripts/install-deps.sh --test installs threadweave): \(run.errors)")
        let data = run.output
        return try JSONDecoder().decode(Threads.self, from: data)
    }

    @Test("a week of two tickets — answers, relays, transcripts, reminders — threads in every mailbox, no missing parent")
    func realisticRun() async throws {
        let world = try await IngestWorld(extraGateway: Self.secret)
        defer { if ProcessInfo.processInfo.environment["KEEP"] == nil { world.cleanUp() } }
        let people = PeopleMaildirs(root: "\(world.folder)/people")
        let sent = "\(world.folder)/sent"
        func send() async throws {
            let report = try await world.gateway.send(through: people)
            #expect(report.failed == 0 && report.stillQueued == 0, "\(report)")
        }
        func answer(_ person: EmailAddress, on ticket: Int, _ text: String, minutes: Double) async throws {
            world.clock.now = world.clock.now.addingTimeInterval(minutes * 60)
            let raw = try await Self.reply(person, on: TicketID(ticket), saying: text, people: people, sent: sent)
            let outcome = try await world.ingest.ingest(raw)
            #expect(outcome.disposition == .applied && outcome.ticket == TicketID(ticket), "\(person): \(outcome)")
            try await send()
        }

        // Given ticket #12 assigned to three teams (the world's set-up) and a second release, #13, staged as #14 and
        // assigned to two of them.
        let second = try await world.gateway.createRelease(
            ComponentRelease(stack: "EMI-1.0", component: "CREAM", version: "1.13.0-2", os: "SL5", architecture: "x86_64"),
            links: ReleaseLinks(releaseNotes: "https://wiki.egi.eu/cream", fixedBugs: "https://bugs.example.org/2", documentation: "https://docs.example.org/cream"))
        let staged = try await world.gateway.stageRelease(second.id, operatorName: "tester")
        let other = try #require(staged.createdTicket)
        _ = try await world.gateway.apply(
            to: other, sender: Sender(address: Self.mario, authentication: .weak), text: "assign NGI_IT-INFN-T1 IBERGRID-LIP-Lisbon",
            cause: .operatorAction("test set-up"))
        try await send()

        // When the people answer by mail over a week and the timers fire.
        try await answer(Self.paolo, on: 12, "accept NGI_IT-INFN-T1\n\nWe start tomorrow on se-test01.", minutes: 10)
        try await answer(Self.pavel, on: 12, "Paolo, do you take the SL5 repository too?", minutes: 10)
        try await answer(Self.goncalo, on: other.rawValue, "accept IBERGRID-LIP-Lisbon", minutes: 10)
        try await answer(Self.mario, on: 12, "ggus 123456\nPaolo, I opened the GGUS ticket above for the SRM crash.", minutes: 10)
        try await answer(Self.paolo, on: other.rawValue, "accept NGI_IT-INFN-T1\nSame node as for DPM.", minutes: 10)
        world.clock.now = world.clock.now.addingTimeInterval(26 * 3600)  // past the answer deadlines: no-answer notices
        _ = try await world.gateway.tick()
        try await send()
        world.clock.now = world.clock.now.addingTimeInterval(5 * 86_400)  // testing minimum reached
        _ = try await world.gateway.tick()
        try await send()
        try await answer(Self.paolo, on: 12, "downtime NGI_IT-INFN-T1 on\nThe beta downtime is in GOCDB now.", minutes: 5)
        try await answer(Self.pavel, on: 12, "Thanks, noted.", minutes: 5)

        // Then every person's mailbox, read as a client reads it, holds one thread per ticket, each under a message
        // the person received, with no missing parent.
        var checked = 0
        for person in people.recipients {
            let read = try Self.threads(in: [people.inbox(person), "\(sent)/\(person.key)"])
            let tickets = Set(read.threads.flatMap(\.tickets))
            #expect(read.missing.isEmpty, "\(person): missing parents \(read.missing) in \(world.folder)")
            #expect(read.threads.allSatisfy { $0.root_present }, "\(person): \(read.threads)")
            #expect(read.threads.allSatisfy { $0.tickets.count == 1 }, "\(person): \(read.threads)")
            #expect(read.threads.count == tickets.count, "\(person): \(read.threads.count) threads for \(tickets)")
            #expect(read.threads.map(\.size).reduce(0, +) == read.messages)
            // The root is the person's first message of the ticket.
            for thread in read.threads { #expect(thread.root?.contains(".thread.") == true, "\(person): \(thread)") }
            checked += 1
        }
        // A realistic run: many mailboxes, and the manager's holds both tickets, relays, transcripts and reminders.
        #expect(checked >= 8)
        let manager = try Self.threads(in: [people.inbox(Self.mario), "\(sent)/\(Self.mario.key)"])
        #expect(Set(manager.threads.flatMap(\.tickets)) == ["staged-rollout #12", "staged-rollout #\(other.rawValue)"], "\(manager.threads)")
        #expect(manager.messages >= 12)
        let kinds = Set(people.received(by: Self.mario).map(\.kind))
        for kind in [NotificationKind.conversation, .transcript, .teamAccepted, .noAnswer, .releaseStaged] {
            #expect(kinds.contains(.notification(kind)), "the manager got no \(kind.rawValue)")
        }
        let paolosKinds = Set(people.received(by: Self.paolo).map(\.kind))
        #expect(paolosKinds.contains(.notification(.testingMinimumReached)) && paolosKinds.contains(.notification(.conversation)))
    }

    @Test("a reply to a person's thread root finds its ticket by In-Reply-To; `ticket-N` references of older mail still do")
    func repliesFindTheirTicket() async throws {
        let world = try await IngestWorld(extraGateway: Self.secret)
        defer { world.cleanUp() }
        let people = PeopleMaildirs(root: "\(world.folder)/people")
        _ = try await world.gateway.send(through: people)
        let root = try #require(people.received(by: Self.paolo).first)
        #expect(root.messageID.hasPrefix("rg.12.thread."))
        // To the plain address, no tag in the subject: only the threading headers name the ticket.
        let toRoot = message(subject: "Re: question", extraHeaders: "In-Reply-To: <\(root.messageID)>\r\nReferences: <\(root.messageID)>\r\n", body: "accept NGI_IT-INFN-T1")
        let found = try await world.ingest.analyze(toRoot)
        #expect(found.ticket == TicketID(12) && found.foundBy == .inReplyTo)
        let old = message(subject: "Re: question", extraHeaders: "References: <ticket-12@rollout.example.org>\r\n", body: "accept NGI_IT-INFN-T1")
        let oldFound = try await world.ingest.analyze(old)
        #expect(oldFound.ticket == TicketID(12) && oldFound.foundBy == .references)
    }
}
