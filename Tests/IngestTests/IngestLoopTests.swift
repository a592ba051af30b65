import Foundation
import RolloutCore
import RolloutGateway
import StoreSQLite
import Testing

/// The one ingest loop of every source (Maildir, IMAP, mbox, files), over a real SQLite store and a fake source.
@Suite("IngestLoop: in order, released only once durable, a failed message alone, stopped by its store")
struct IngestLoopTests {
    /// `count` replies of Paolo's to ticket #12, each with a Message-ID of its own.
    static func replies(_ count: Int) -> (ids: [String], messages: [[UInt8]]) {
        let ids = (0..<count).map { "loop-\($0)-\(UUID().uuidString.lowercased())@cnaf.example.org" }
        return (ids, ids.enumerated().map { message(id: $1, body: "Still testing, day \($0 + 1).") })
    }

    static func source(_ world: IngestWorld, _ ids: [String]) -> RecordingIngestSource {
        RecordingIngestSource(storePath: world.configuration.storePath, keys: ids.map { "<\($0)>" })
    }

    struct Unreadable: Error {}

    /// Hands `messages` over, in one run of a loop of groups of `groupSize`; reading those of `unreadable` fails.
    static func run(
        _ world: IngestWorld, _ ids: [String], _ messages: [[UInt8]], groupSize: Int, unreadable: Set<Int> = []
    ) async throws -> (RecordingIngestSource, IngestLoop<RecordingIngestSource>) {
        let source = Self.source(world, ids)
        let loop = IngestLoop(ingest: world.ingest, source: source, groupSize: groupSize)
        try await loop.run {
            for (index, bytes) in messages.enumerated() {
                try await loop.add(index, size: bytes.count, source: "test \(index)") {
                    if unreadable.contains(index) { throw Unreadable() }
                    return bytes
                }
            }
        }
        return (source, loop)
    }

    /// The messages of `ids` in the order the ticket's history names them first.
    static func historyOrder(_ world: IngestWorld, _ ids: [String]) async throws -> [String] {
        var order: [String] = []
        for entry in try await world.store.history(of: TicketID(12)) {
            guard case .message(let id) = entry.cause, let index = ids.firstIndex(of: id.trimmingCharacters(in: ["<", ">"])) else { continue }
            if !order.contains(ids[index]) { order.append(ids[index]) }
        }
        return order
    }

    @Test("ten messages in groups of three: applied and released in the order handed over, each once its commit reached the store's file")
    func orderAndDurability() async throws {
        let world = try await IngestWorld(groupCommits: true)
        defer { world.cleanUp() }
        let (ids, messages) = Self.replies(10)
        let (source, loop) = try await Self.run(world, ids, messages, groupSize: 3)
        #expect(await source.released == Array(0..<10))
        #expect(await source.failures.isEmpty)
        // released only after the flush: every released message was already in the store's main file
        #expect(await source.durableWhenReleased == Array(0..<10))
        #expect(loop.report.total == 10 && loop.report.failed == 0)
        #expect(try await Self.historyOrder(world, ids) == ids)
    }

    @Test("a message that cannot be read fails alone: handed to its source, the others applied and released")
    func oneMessageFails() async throws {
        let world = try await IngestWorld(groupCommits: true)
        defer { world.cleanUp() }
        let (ids, messages) = Self.replies(5)
        let (source, loop) = try await Self.run(world, ids, messages, groupSize: 2, unreadable: [2])
        #expect(await source.failures == [2])
        #expect(await source.released == [0, 1, 3, 4])
        #expect(await source.durableWhenReleased == [0, 1, 3, 4])
        #expect(loop.report.failed == 1 && loop.report.total == 5)
        #expect(try await world.store.hasSeen("<\(ids[2])>") == false)
        #expect(try await Self.historyOrder(world, ids) == [ids[0], ids[1], ids[3], ids[4]])
    }

    @Test("a store that stops (another writer keeps it locked): the loop stops, releases what was committed before, keeps the rest for the next run")
    func storeStops() async throws {
        let world = try await IngestWorld(groupCommits: true, busyTimeout: 0.3)
        defer { world.cleanUp() }
        let (ids, messages) = Self.replies(4)
        let source = Self.source(world, ids)
        // Another process's writer on the same file: when told, it takes the write lock and keeps it until told again.
        let other = try SQLiteTicketStore(path: world.configuration.storePath)
        let (go, going) = AsyncStream<Void>.makeStream()
        let (held, holding) = AsyncStream<Void>.makeStream()
        let (letGo, lettingGo) = AsyncStream<Void>.makeStream()
        let blocker = Task {
            for await _ in go { break }
            try await other.withTransaction { transaction in
                _ = try await transaction.reserveTicketID()
                holding.yield()
                for await _ in letGo { break }
            }
        }
        let loop = IngestLoop(ingest: world.ingest, source: source, groupSize: 2)
        let stopped = await #expect(throws: (any Error).self) {
            try await loop.run {
                for index in 0..<2 { try await loop.add(index, size: messages[index].count, source: "test \(index)", read: { messages[index] }) }
                try await loop.settle()
                going.yield()
                for await _ in held { break }
                for index in 2..<4 { try await loop.add(index, size: messages[index].count, source: "test \(index)", read: { messages[index] }) }
            }
        }
        #expect(stopped.map(IngestLoop<RecordingIngestSource>.isTemporary) == true, "\(String(describing: stopped))")
        #expect(await source.released == [0, 1])
        #expect(await source.failures.isEmpty)
        #expect(try await world.store.hasSeen("<\(ids[2])>") == false)
        #expect(try await world.store.hasSeen("<\(ids[3])>") == false)
        lettingGo.yield()
        lettingGo.finish()
        try await blocker.value
        // The next run applies the two kept with the source.
        let again = IngestLoop(ingest: world.ingest, source: source, groupSize: 2)
        try await again.run {
            for index in 2..<4 { try await again.add(index, size: messages[index].count, source: "test \(index)", read: { messages[index] }) }
        }
        #expect(await source.released == [0, 1, 2, 3])
        #expect(await source.durableWhenReleased == [0, 1, 2, 3])
        #expect(try await Self.historyOrder(world, ids) == ids)
    }
}
