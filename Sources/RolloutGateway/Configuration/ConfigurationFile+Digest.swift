import RolloutCore

extension ConfigurationFile {
    /// `workflow.digest: {day: mon, time: "09:00"}`: the managers' weekly digest (off when absent).
    struct Digest: Decodable {
        var day: String
        var time: String
        enum CodingKeys: String, CodingKey, CaseIterable { case day, time }
        init(from decoder: any Decoder) throws {
            let c = try decoder.strictContainer(CodingKeys.self)
            day = try c.decode(String.self, forKey: .day)
            time = try c.decode(String.self, forKey: .time)
        }

        /// The schedule, or the problem with `day` or `time`.
        func schedule(weekdays: [String: Int]) throws -> DigestSchedule {
            guard let weekday = weekdays[day.lowercased()] ?? weekdays[String(day.lowercased().prefix(3))], day.count >= 3 else {
                throw ConfigurationProblem(["workflow", "digest", "day"], "'\(day)' is not a weekday; expected mon, tue, wed, thu, fri, sat or sun")
            }
            let parts = time.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute),
                parts[1].count == 2
            else {
                throw ConfigurationProblem(["workflow", "digest", "time"], "'\(time)' is not a time of day; expected HH:MM, e.g. \"09:00\"")
            }
            return DigestSchedule(weekday: weekday, hour: hour, minute: minute)
        }
    }
}
