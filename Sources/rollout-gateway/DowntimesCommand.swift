import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

struct DowntimesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downtimes", abstract: "The EA teams' GOCDB beta downtimes (step 5 of the procedure).", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Ask GOCDB now about the beta downtimes of every rollout's accepted teams and record what changed.",
            discussion: """
                `run` and `tick` do this on their own every gocdb.refresh_minutes while a rollout is open, and once a \
                working day after Production while a team is still in its beta downtime (with a reminder). Use this after \
                configuring gocdb: for the rollouts already under way. Exit status: 0 done; 75 GOCDB could not be asked \
                about a site (the last known state stays); 78 no gocdb: section.
                """)

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "downtimes check")
                guard environment.configuration.gocdb != nil else {
                    throw ConfigurationError(
                        file: environment.configuration.file, key: "gocdb", line: nil,
                        problem: "is not configured; expected gocdb: with url: (see the README, \"Beta downtimes from GOCDB\")")
                }
                let report = try await environment.gateway.checkBetaDowntimes()
                try await environment.store.flush()
                print("checked \(report.checked.count) rollouts, \(report.changed) beta downtimes changed")
                for site in Set(report.registryFailures).sorted() { print("  GOCDB could not be asked about site \(site)") }
                if !report.registryFailures.isEmpty { throw ExitCode(ExitStatus.temporaryFailure) }
            }
        }
    }
}
