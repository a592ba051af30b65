import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// A `format=flowed` reply of about `bytes` bytes: a command, then one long flowed paragraph, then a long quoted
/// flowed paragraph — the shape that made unwrapping quadratic (each soft break appended to one growing paragraph).
func flowedReply(bytes: Int) -> [UInt8] {
    let line = "We upgraded the storage element and watched it under production load for the whole week \r\n"
    let quoted = "> Please test the release and answer before the deadline written in the first notification \r\n"
    let lines = max(1, bytes / (line.utf8.count + quoted.utf8.count))
    var body = "accept NGI_IT-INFN-T1\r\n\r\n"
    body.reserveCapacity(bytes + 4096)
    for _ in 0..<lines { body += line }
    body += "Regards.\r\n\r\nOn Mon, 30 Nov 2026 at 15:00, EGI Staged Rollout wrote:\r\n"
    for _ in 0..<lines { body += quoted }
    body += "> end of quote.\r\n"
    let head = """
        From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
        To: staged-rollout@rollout.example.org\r
        Subject: Re: [staged-rollout #12] Please test Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64\r
        Message-ID: <\(UUID().uuidString)@cnaf.example.org>\r
        Date: Mon, 01 Dec 2025 15:00:00 +0100\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no\r
        \r

        """
    return Array((head + body).utf8)
}

/// Seconds of this thread's CPU time taken by `work`: what other processes do on the machine does not count.
func seconds(_ work: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    work()
    return now() - start
}

@Suite("Reading cost: linear in the size of the message")
struct ReadingCostTests {
    @Test("a format=flowed reply four times as large costs about four times as much to read, not sixteen")
    func flowedReplyIsLinear() async throws {
        // Given a gateway and flowed replies of 1.25 MB and 5 MB
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        let smallReply = flowedReply(bytes: 1_250_000)
        let largeReply = flowedReply(bytes: 5_000_000)
        // When each is read (parsed, unwrapped, its new text and commands found)
        // (the fastest of three rounds, small and large in turn, so that both meet the same load on this shared machine)
        var small: Ingest.Analysis?
        var analysis: Ingest.Analysis?
        var smallTime = Double.infinity
        var largeTime = Double.infinity
        for _ in 0..<3 {
            smallTime = min(smallTime, seconds { small = world.ingest.prepare(smallReply) })
            largeTime = min(largeTime, seconds { analysis = world.ingest.prepare(largeReply) })
        }
        let read = try #require(small)
        // Then the text was unwrapped and the command read
        #expect(read.lines.contains { $0.text == "accept NGI_IT-INFN-T1" })
        #expect(read.message.text.contains("the whole week We upgraded"))
        #expect(try #require(analysis).message.text.utf8.count > 4_000_000)
        // and four times the size costs less than eight times the time (quadratic would be sixteen)
        let ratio = largeTime / smallTime
        print("flowed reply: 1.25 MB \(smallTime) s, 5 MB \(largeTime) s, ratio \(ratio)")
        #expect(ratio < 8, "1.25 MB read in \(smallTime) s, 5 MB in \(largeTime) s")
    }
}
