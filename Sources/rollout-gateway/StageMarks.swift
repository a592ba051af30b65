import Foundation

/// Where a command's time goes, stage by stage (issue 24): with `ROLLOUT_STAGE_TIMES=1` in the environment, each
/// ``mark(_:_:)`` prints to stderr the wall and CPU time since the previous one (the first: since the process
/// started), and what the stage counted. Without it, nothing is measured or printed.
final class StageMarks {
    let enabled: Bool
    private var wall: Double
    private var cpu: Double

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        enabled = environment["ROLLOUT_STAGE_TIMES"] == "1"
        wall = Self.processStart() ?? Self.now(CLOCK_REALTIME)
        cpu = 0
    }

    /// Prints the time since the previous mark as `stage NAME: wall MS ms, cpu MS ms[, COUNTS]`.
    func mark(_ stage: String, _ counts: @autoclosure () -> String = "") {
        guard enabled else { return }
        let (wallNow, cpuNow) = (Self.now(CLOCK_REALTIME), Self.now(CLOCK_PROCESS_CPUTIME_ID))
        let extra = counts()
        let line = String(format: "stage %@: wall %.1f ms, cpu %.1f ms", stage, (wallNow - wall) * 1000, (cpuNow - cpu) * 1000)
        FileHandle.standardError.write(Data((line + (extra.isEmpty ? "" : ", \(extra)") + "\n").utf8))
        (wall, cpu) = (wallNow, cpuNow)
    }

    private static func now(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// When this process started (Linux: field 22 of /proc/self/stat, in clock ticks after boot), as wall time.
    private static func processStart() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
            let afterName = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        // Fields after the name start at field 3 (state): field 22 is index 19.
        guard fields.count > 19, let ticks = Double(fields[19]), let up = Double(uptime.split(separator: " ").first ?? "") else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return now(CLOCK_REALTIME) - up + ticks / hertz
    }
}
