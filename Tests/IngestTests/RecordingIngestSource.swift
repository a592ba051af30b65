import Foundation
import RolloutGateway
import StoreSQLite

/// A fake source of numbered messages for an ``IngestLoop`` over a real SQLite store: it records what the loop tells
/// it and, at each release, which of the released messages the store's main file already holds. That file alone
/// (copied without its write-ahead log) is what survives a power loss once the log is lost: a message released
/// before its commit reached it could be lost with the commit.
actor RecordingIngestSource: IngestSource {
    let storePath: String
    /// The seen-message key of each handle (`<Message-ID>`).
    let keys: [String]
    /// The `done` of each release, in order.
    private(set) var releases: [[Int]] = []
    private(set) var failures: [Int] = []
    /// Released messages found recorded in the store's main file when they were released.
    private(set) var durableWhenReleased: [Int] = []

    /// How long each release takes (a server moving messages out), and the number of the release that fails.
    let releaseTime: Duration
    let failingRelease: Int?
    struct ReleaseRefused: Error {}
    /// Releases started, and the most that ran at once.
    private(set) var releasesStarted = 0
    private var running = 0
    private(set) var mostAtOnce = 0

    init(storePath: String, keys: [String], releaseTime: Duration = .zero, failingRelease: Int? = nil) {
        self.storePath = storePath
        self.keys = keys
        self.releaseTime = releaseTime
        self.failingRelease = failingRelease
    }

    var released: [Int] { releases.flatMap { $0 } }

    func failed(_ handle: Int, error: any Error) async throws -> IngestFailure {
        failures.append(handle)
        return .keptAside(place: "test")
    }

    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {
        releasesStarted += 1
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        defer { running -= 1 }
        if releaseTime > .zero { try await Task.sleep(for: releaseTime) }
        if releasesStarted - 1 == failingRelease { throw ReleaseRefused() }
        releases.append(done)
        let copy = NSTemporaryDirectory() + "rollout-durable-" + UUID().uuidString + ".sqlite"
        try FileManager.default.copyItem(atPath: storePath, toPath: copy)
        defer { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        let store = try SQLiteTicketStore(path: copy)
        for handle in done {
            if try await store.hasSeen(keys[handle]) { durableWhenReleased.append(handle) }
        }
    }
}
