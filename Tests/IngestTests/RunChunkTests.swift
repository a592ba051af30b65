import RolloutGateway
import Testing

/// A run moves a backlog out of the mailbox in at most sixteen moves (each one the server's transaction over the
/// whole mailbox), and small ones 256 at a time.
@Suite("run: the size of a chunk fetched, applied and moved out at once")
struct RunChunkTests {
    @Test("256 up to 4,096 messages; a sixteenth of a larger backlog (at most sixteen moves), up to 8,192 a chunk", arguments: [
        0, 1, 255, 256, 4_096, 4_097, 10_000, 40_000, 131_072, 131_073, 1_000_003,
    ])
    func chunkSize(count: Int) {
        let size = RunCycle.chunkSize(of: count)
        #expect(size == (count <= 4_096 ? 256 : min(8_192, (count + 15) / 16)))
        #expect(count > 131_072 || (count + size - 1) / size <= 16)
        #expect(size <= 8_192)
    }
}
