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

    /// Hands `messages` over two at a time with a settling after each pair, to a loop releasing in the background.
    static func runReleasingInBackground(
        _ world: IngestWorld, _ messages: [[UInt8]], source: RecordingIngestSource
    ) async throws -> IngestLoop<RecordingIngestSource> {
        let loop = IngestLoop(ingest: world.ingest, source: source, groupSize: 2, releasesInBackground: true)
        try await loop.run {
            for (index, bytes) in messages.enumerated() {
                try await loop.add(index, size: bytes.count, source: "test \(index)") { bytes }
                if index % 2 == 1 { try await loop.settle() }
            }
        }
        return loop
    }

    @Test("releasing in the background (a server moving messages out): one release at a time, in order, each after its commits are durable, all over when run returns")
    func releasesInBackground() async throws {
        let world = try await IngestWorld(groupCommits: true)
        defer { world.cleanUp() }
        let (ids, messages) = Self.replies(8)
        let source = RecordingIngestSource(storePath: world.configuration.storePath, keys: ids.map { "<\($0)>" }, releaseTime: .milliseconds(30))
        let loop = try await Self.runReleasingInBackground(world, messages, source: source)
        #expect(await source.releases == [[0, 1], [2, 3], [4, 5], [6, 7]])
        #expect(await source.durableWhenReleased == Array(0..<8))
        #expect(await source.mostAtOnce == 1)
        #expect(loop.report.total == 8 && loop.report.failed == 0)
        #expect(try await Self.historyOrder(world, ids) == ids)
    }

    @Test("a release that fails in the background stops the loop at the next settling: the error comes back from run, later messages are committed but stay with the source, and the next run recognises and releases them")
    func backgroundReleaseFails() async throws {
        let world = try await IngestWorld(groupCommits: true)
        defer { world.cleanUp() }
        let (ids, messages) = Self.replies(6)
        let keys = ids.map { "<\($0)>" }
        let failing = RecordingIngestSource(storePath: world.configuration.storePath, keys: keys, releaseTime: .milliseconds(30), failingRelease: 0)
        await #expect(throws: RecordingIngestSource.ReleaseRefused.self) {
            _ = try await Self.runReleasingInBackground(world, messages, source: failing)
        }
        #expect(await failing.releases.isEmpty)
        // The pair after the failed release was applied while it ran: committed, not released.
        #expect(await failing.releasesStarted == 1)
        #expect(try await world.store.hasSeen(keys[2]))
        #expect(try await world.store.hasSeen(keys[4]) == false)

        let source = RecordingIngestSource(storePath: world.configuration.storePath, keys: keys)
        let again = try await Self.runReleasingInBackground(world, messages, source: source)
        #expect(await source.released == Array(0..<6))
        #expect(again.report.dispositions[.duplicate] == 4)
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
