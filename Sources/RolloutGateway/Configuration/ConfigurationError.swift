/// A mistake in the configuration file: where it is and what was expected.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// The dotted key path, e.g. `teams.ea-NGI_IT-INFN-T1.members`.
    public var key: String
    public var line: Int?
    public var problem: String

    public init(file: String, key: String, line: Int?, problem: String) {
        self.file = file
        self.key = key
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(problem)" : "\(place): \(key): \(problem)"
    }
}

/// A problem found while converting a decoded file into the gateway's types; located afterwards.
struct ConfigurationProblem: Error {
    var path: [String]
    var problem: String

    init(_ path: [String], _ problem: String) {
        self.path = path
        self.problem = problem
    }
}
