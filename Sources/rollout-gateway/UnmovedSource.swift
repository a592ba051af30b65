import RolloutGateway

/// Messages read from an mbox or from files stay where they are: a failed one is logged (by the loop), nothing moves.
struct UnmovedSource: IngestSource {
    func failed(_ index: Int, error: any Error) async throws -> IngestFailure { .keptAside(place: "where it was read") }
    func release(done: [Int], quarantined: [Int], retry: [Int]) async throws {}
}
