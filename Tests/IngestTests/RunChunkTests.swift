import RolloutGateway
import Testing

/// A run moves a backlog out of the mailbox in at most sixteen moves (each one the server's transaction over the
/// whole mailbox), and small ones 256 at a time.
@Suite("run: the size of a chunk fetched, applied and moved out at once")
struct RunChunkTests {
    @Test("256 up to 4,096 messages; a sixteenth of a larger backlog, so that it takes at most sixteen moves", arguments: [
        0, 1, 255, 256, 4_096, 4_097, 10_000, 40_000, 1_000_003,
    ])
    func chunkSize(count: Int) {
        let size = RunCycle.chunkSize(of: count)
        #expect(size == (count <= 4_096 ? 256 : (count + 15) / 16))
        #expect((count + size - 1) / size <= 16)
    }
}
