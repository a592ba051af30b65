import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Create release tickets and move them to staged rollout.",
        subcommands: [New.self, Stage.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Create a release ticket (queue sw-rel, status InVerification).")

        @OptionGroup var options: GlobalOptions
        @Option(help: "The stack with its major version, e.g. EMI-1.0 or CA.") var stack: String
        @Option(help: "The component, e.g. SE-DPM_mysql (absent for whole-stack releases such as CA).") var component: String?
        @Option(help: "The version, e.g. 1.8.0-1.") var version: String
        @Option(help: "The OS, e.g. SL5.") var os: String?
        @Option(help: "The architecture, e.g. x86_64.") var arch: String?
        @Option(help: "Link to the release notes (install, upgrade, configuration).") var releaseNotes: String
        @Option(help: "Link to the list of fixed bugs.") var fixedBugs: String
        @Option(help: "Link to the documentation.") var documentation: String

        func validate() throws {
            for (name, value) in [("stack", stack), ("component", component ?? "x"), ("version", version), ("os", os ?? "x"), ("arch", arch ?? "x")] {
                guard !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                    throw ValidationError("--\(name) '\(value)' must be one word: the title is read back word by word")
                }
            }
            if arch != nil, os == nil { throw ValidationError("--arch needs --os: the title lists the OS before the architecture") }
        }

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "release new")
                let ticket = try await environment.gateway.createRelease(
                    ComponentRelease(stack: stack, component: component, version: version, os: os, architecture: arch),
                    links: ReleaseLinks(releaseNotes: releaseNotes, fixedBugs: fixedBugs, documentation: documentation))
                print("\(ticket.id.rawValue)\t\(ticket.title)")
            }
        }
    }

    struct Stage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stage",
            abstract: "Move a release to StageRollOut: run the repository hook, create the staged-rollout ticket, notify the managers.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The release ticket's number.") var ticket: Int

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "release stage")
                let user = ProcessInfo.processInfo.environment["USER"] ?? "operator"
                let report = try await environment.gateway.stageRelease(TicketID(ticket), operatorName: user)
                try printResults(report)
            }
        }
    }
}

/// Prints command results, one per line, and fails with EX_DATAERR when one was refused.
func printResults(_ report: EventReport) throws {
    for result in report.results {
        var line = "\(result.status.rawValue): \(result.line) — \(result.message)"
        if let expected = result.expected { line += " (expected: \(expected))" }
        print(line)
    }
    for attachment in report.attachments {
        let what = attachment.kind == .report ? "report of \(attachment.team?.description ?? "?")" : attachment.kind.rawValue
        print("attachment \(attachment.fileName): \(what)\(attachment.problem.map { " — \($0)" } ?? "")")
    }
    if report.results.contains(where: { $0.status == .refused }) { throw ExitCode(ExitStatus.dataError) }
}
