import Foundation
import Synchronization

/// Where a command spends its CPU time, stage by stage (issue 24): on only when the environment says
/// `ROLLOUT_STAGE_TIMES=1`, summed per stage over the run and printed once at its end (``report()``). Off, a stage costs
/// one check of a constant.
///
/// A synchronous stage is measured as the CPU time of the thread running it (`CLOCK_THREAD_CPUTIME_ID`), which waiting
/// for a core on a shared machine does not inflate. An asynchronous one (an `await` may move it to another thread) is
/// measured as the whole process's CPU time meanwhile: only for stages that run alone, as a command's steps do.
/// Stages may nest (`prepare` holds `parse`): each figure is inclusive.
public enum StageTimes {
    /// Whether stages are measured in this process.
    public static let isOn = ProcessInfo.processInfo.environment["ROLLOUT_STAGE_TIMES"] == "1"

    private struct Total {
        var calls = 0
        var nanoseconds: UInt64 = 0
        var wallNanoseconds: UInt64 = 0
        /// Whether CPU time was measured (not for stages measured by ``measureWall(_:_:)``).
        var cpu = true
    }

    private static let totals = Mutex<[String: Total]>([:])

    /// Runs `body`, adding its thread CPU time to `stage` when measuring is on.
    @inline(__always)
    public static func measure<T>(_ stage: StaticString, _ body: () throws -> T) rethrows -> T {
        guard isOn else { return try body() }
        let (start, wall) = (nanoseconds(CLOCK_THREAD_CPUTIME_ID), nanoseconds(CLOCK_MONOTONIC))
        defer { add(stage, nanoseconds(CLOCK_THREAD_CPUTIME_ID) &- start, wall: nanoseconds(CLOCK_MONOTONIC) &- wall) }
        return try body()
    }

    /// Runs an asynchronous `body` that nothing else runs beside, adding the process's CPU time meanwhile to `stage`.
    public static func measure<T>(_ stage: StaticString, _ body: () async throws -> T) async rethrows -> T {
        guard isOn else { return try await body() }
        let (start, wall) = (nanoseconds(CLOCK_PROCESS_CPUTIME_ID), nanoseconds(CLOCK_MONOTONIC))
        defer { add(stage, nanoseconds(CLOCK_PROCESS_CPUTIME_ID) &- start, wall: nanoseconds(CLOCK_MONOTONIC) &- wall) }
        return try await body()
    }

    /// Runs an asynchronous `body` that may overlap others (a group applied while the next is read, a release in the
    /// background), adding only its wall time to `stage`: the process's CPU time meanwhile would count theirs too.
    public static func measureWall<T>(_ stage: StaticString, _ body: () async throws -> T) async rethrows -> T {
        guard isOn else { return try await body() }
        let wall = nanoseconds(CLOCK_MONOTONIC)
        defer { add(stage, nil, wall: nanoseconds(CLOCK_MONOTONIC) &- wall) }
        return try await body()
    }

    /// Adds to `stage` the process's CPU time from its start until now: loading the program and its libraries and
    /// reading the arguments, when called first thing in a command.
    public static func measureStartup(_ stage: StaticString) {
        guard isOn else { return }
        add(stage, nanoseconds(CLOCK_PROCESS_CPUTIME_ID), wall: 0)
    }

    /// Writes ``report()`` to standard error, when measuring is on.
    public static func printReport() {
        guard isOn else { return }
        FileHandle.standardError.write(Data(report().utf8))
    }

    /// One line per stage (calls, CPU ms, µs of CPU a call, wall ms: waiting included, which the CPU time leaves out),
    /// the costliest first; empty when nothing was measured.
    public static func report() -> String {
        let totals = totals.withLock { $0 }
        return totals.sorted { ($0.value.cpu ? $0.value.nanoseconds : 0) > ($1.value.cpu ? $1.value.nanoseconds : 0) }.map { stage, total in
            let wall = total.wallNanoseconds == 0 ? "" : " wall-ms=\(String(format: "%.1f", Double(total.wallNanoseconds) / 1e6))"
            guard total.cpu else { return "stage \(stage) calls=\(total.calls) cpu-ms=- us-per-call=-\(wall)\n" }
            let milliseconds = Double(total.nanoseconds) / 1e6
            let perCall = Double(total.nanoseconds) / 1e3 / Double(max(total.calls, 1))
            return "stage \(stage) calls=\(total.calls) cpu-ms=\(String(format: "%.1f", milliseconds)) "
                + "us-per-call=\(String(format: "%.1f", perCall))\(wall)\n"
        }.joined()
    }

    /// `spent`: CPU time, nil where only the wall time is measured.
    private static func add(_ stage: StaticString, _ spent: UInt64?, wall: UInt64) {
        totals.withLock { totals in
            totals["\(stage)", default: Total()].calls += 1
            totals["\(stage)", default: Total()].nanoseconds += spent ?? 0
            totals["\(stage)", default: Total()].wallNanoseconds += wall
            if spent == nil { totals["\(stage)", default: Total()].cpu = false }
        }
    }

    private static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
