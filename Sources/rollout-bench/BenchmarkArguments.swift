import Foundation

/// `--name value` options and `--flag` switches of one benchmark command; a mistake prints the usage and exits 64.
struct BenchmarkArguments {
    let command: String
    let usage: String
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ arguments: [String], command: String, usage: String, options: Set<String>, flags known: Set<String> = []) {
        self.command = command
        self.usage = usage
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            if known.contains(name) {
                flags.insert(name)
            } else if options.contains(name) {
                guard index + 1 < arguments.count else { fail("\(name) needs a value") }
                index += 1
                values[name] = arguments[index]
            } else {
                fail("unknown argument \(name)")
            }
            index += 1
        }
    }

    func string(_ name: String, default fallback: String) -> String { values[name] ?? fallback }

    func int(_ name: String, default fallback: Int) -> Int {
        guard let text = values[name] else { return fallback }
        guard let number = Int(text) else { fail("\(name) must be a whole number, not '\(text)'") }
        return number
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("rollout-bench \(command): \(message)\nusage: rollout-bench \(command) \(usage)\n".utf8))
        exit(64)
    }
}
