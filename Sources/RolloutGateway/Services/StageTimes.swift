import Foundation
import Synchronization

/// Where `ingest` spends its CPU time, stage by stage (issue 24): on only when the environment says
/// `ROLLOUT_STAGE_TIMES=1`, summed per stage over the run and printed once at its end (``report()``). Off, a stage costs
/// one check of a constant.
///
/// Each stage is measured as the CPU time of the thread running it (`CLOCK_THREAD_CPUTIME_ID`), which waiting for a core
/// on a shared machine does not inflate; so only synchronous work is measured (an `await` may move to another thread).
/// Stages may nest (`prepare` holds `parse`): each figure is inclusive.
public enum StageTimes {
    /// Whether stages are measured in this process.
    public static let isOn = ProcessInfo.processInfo.environment["ROLLOUT_STAGE_TIMES"] == "1"

    private struct Total {
        var calls = 0
        var nanoseconds: UInt64 = 0
    }

    private static let totals = Mutex<[String: Total]>([:])

    /// Runs `body`, adding its thread CPU time to `stage` when measuring is on.
    @inline(__always)
    public static func measure<T>(_ stage: StaticString, _ body: () throws -> T) rethrows -> T {
        guard isOn else { return try body() }
        let start = threadCPUNanoseconds()
        defer {
            let spent = threadCPUNanoseconds() &- start
            totals.withLock { totals in
                totals["\(stage)", default: Total()].calls += 1
                totals["\(stage)", default: Total()].nanoseconds += spent
            }
        }
        return try body()
    }

    /// One line per stage (`stage  calls  total ms  µs a call`), the costliest first; empty when nothing was measured.
    public static func report() -> String {
        let totals = totals.withLock { $0 }
        return totals.sorted { $0.value.nanoseconds > $1.value.nanoseconds }.map { stage, total in
            let milliseconds = Double(total.nanoseconds) / 1e6
            let perCall = Double(total.nanoseconds) / 1e3 / Double(max(total.calls, 1))
            return "stage \(stage) calls=\(total.calls) cpu-ms=\(String(format: "%.1f", milliseconds)) "
                + "us-per-call=\(String(format: "%.1f", perCall))\n"
        }.joined()
    }

    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
