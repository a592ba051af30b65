import RolloutGateway

/// The mixed workload's messages handed to an ``IngestLoop`` by number: records which failed (kept aside, as a
/// Maildir would) and which were released.
actor WorkloadSource: IngestSource {
    private(set) var failures: [Int] = []
    private(set) var released: [Int] = []

    func failed(_ handle: Int, error: any Error) async throws -> IngestFailure {
        failures.append(handle)
        return .keptAside(place: "workload \(handle)")
    }

    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {
        released += done
    }
}
