import ArgumentParser
import Foundation
import RolloutGateway

struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "The notification templates.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the shipped templates into a folder, to start an override folder (`templates:` in the configuration).")

        @Argument(help: "The folder (created if missing). Existing files are kept unless --force.") var folder: String
        @Flag(help: "Overwrite templates already in the folder.") var force = false

        func run() async throws {
            try await guarded {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                var written = 0
                var kept: [String] = []
                for (name, text) in TemplateLibrary.shipped.sorted(by: { $0.key < $1.key }) {
                    let path = (folder as NSString).appendingPathComponent("\(name).mustache")
                    if !force, FileManager.default.fileExists(atPath: path) {
                        kept.append(name)
                        continue
                    }
                    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                        throw GatewayError.invalidInput("cannot write \(path)")
                    }
                    written += 1
                }
                print("\(written) templates written to \(folder)" + (kept.isEmpty ? "" : "; kept as they were: \(kept.joined(separator: ", ")) (--force overwrites)"))
            }
        }
    }
}
