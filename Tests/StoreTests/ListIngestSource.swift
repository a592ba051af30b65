import Foundation
import RolloutGateway

/// Numbered messages handed to an ``IngestLoop`` (the transaction tests, the mixed workload): it keeps what the loop
/// tells it — which failed (kept aside, as a Maildir would) and which were released.
actor ListIngestSource: IngestSource {
    private(set) var failed: [Int] = []
    private(set) var released: [Int] = []

    func failed(_ handle: Int, error: any Error) async throws -> IngestFailure {
        failed.append(handle)
        return .keptAside(place: "test")
    }

    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {
        released += done
    }
}
