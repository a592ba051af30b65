import ArchiveZIP
import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

/// `reports list|get|bundle`: the reports of a staged rollout, and the bundle of step 9b for the document server.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "The reports of a staged rollout, and its bundle for the document server (step 9).",
        subcommands: [List.self, Get.self, Bundle.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a ticket's attachments: kind, team, whether well named, size, SHA-256, name.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket's number (a release ticket names its staged rollout).") var ticket: Int

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "reports list")
                let (rollout, attachments) = try await environment.gateway.reports(of: TicketID(ticket))
                print("\(rollout.id) \(rollout.release.documentDescription)")
                for attachment in attachments {
                    let verdict = attachment.verdict
                    let naming = verdict.kind == .other ? "-" : verdict.wellNamed ? "well-named" : "NOT-NAMED-AS-REQUIRED"
                    var line = "\(verdict.kind.rawValue)\t\(verdict.team?.description ?? "-")\t\(naming)\t\(attachment.bytes.count)\t"
                    line += "\(SHA256Hex.of(attachment.bytes))\t\(ReportBundle.safeName(verdict.fileName))"
                    if let problem = verdict.problem { line += "\t\(problem)" }
                    print(line)
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Write one file: as the bundle holds it (a report under the procedure's name, index.txt, not-named-as-required/…), else the last attachment of that name.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket's number.") var ticket: Int
        @Argument(help: "The file's path in the bundle, or its name as `reports list` shows it.") var file: String
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "reports get")
                try write(try await environment.gateway.reportFile(of: TicketID(ticket), named: file), to: output)
            }
        }
    }

    struct Bundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bundle",
            abstract: "Write the ZIP for the document server: the well-named reports, the summary, index.txt; badly named reports in not-named-as-required/.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The ticket's number.") var ticket: Int
        @Option(help: "The ZIP file to write.") var output: String

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "reports bundle")
                let bundle = try await environment.gateway.reportBundle(of: TicketID(ticket))
                let zip = try ZIPArchiveWriter().archive(bundle.files, modifiedAt: environment.gateway.clock.now())
                try write(zip, to: output)
                print("\(output): \(bundle.files.count - 1) files and index.txt; upload it to the document server described as \"\(bundle.description)\"")
            }
        }
    }
}

/// Writes bytes to a file (created private, as every file of the gateway), or to standard output.
private func write(_ bytes: [UInt8], to path: String?) throws {
    guard let path else { return FileHandle.standardOutput.write(Data(bytes)) }
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    } catch {
        throw GatewayError.invalidInput("\(path) cannot be written: \(error.localizedDescription)")
    }
}
