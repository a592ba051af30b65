import ArgumentParser
import Foundation
import RolloutCore
import RolloutGateway

/// `directory sync` and `directory show`: the people and groups of the SSO directory (issue 22).
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "People, teams and managers from the SSO directory (LDAP): sync the snapshot, show it.",
        subcommands: [Sync.self, Show.self])

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Read the directory and store its snapshot (and the changes) in one transaction.",
            discussion: """
                Exit status: 0 stored; 65 refused as a mass removal (more than directory.max_removed_share of all
                team members would go: check the directory, then --force); 75 the directory is down or unreachable;
                78 the directory refused the configuration (the bind, the filter, the base), naming the key.
                Whatever fails, the last snapshot stays in force.
                """)

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Store the snapshot even when it removes more than directory.max_removed_share of all members.")
        var force = false

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "directory sync")
                guard let sync = try environment.directorySync() else { throw DirectoryCommand.notConfigured(environment) }
                let report: DirectorySyncReport
                do {
                    report = try await environment.syncDirectory(sync, force: force).0
                } catch let error as DirectoryError {
                    throw DirectoryCommand.exit(error, environment)
                }
                for change in report.changes { print(DirectoryCommand.line(change)) }
                switch report.outcome {
                case .stored:
                    print("directory: \(report.people) people, \(report.teams) teams; \(report.changes.count) changes stored, \(report.noticesQueued) notifications queued")
                case .massRemovalRefused(let removed, let total, let of):
                    throw ExitStatus.report(
                        GatewayError.invalidInput(
                            "directory sync refused: it would remove \(removed) of \(total) \(of) (more than directory.max_removed_share); the last snapshot stays; rerun with --force if this is right"),
                        status: ExitStatus.dataError)
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The snapshot in force, its age, and the latest changes.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "How many of the latest changes to show.") var history = 20

        func run() async throws {
            try await guarded {
                let environment = try await Environment(options, label: "directory show")
                guard try environment.directorySync() != nil else { throw DirectoryCommand.notConfigured(environment) }
                guard let stored = environment.directorySnapshot else {
                    print("no snapshot yet: run rollout-gateway directory sync")
                    return
                }
                let snapshot = stored.snapshot
                let age = Int(environment.gateway.clock.now().timeIntervalSince(stored.takenAt) / 60)
                print("snapshot taken \(ISO8601DateFormatter().string(from: stored.takenAt)) (\(age) minutes ago): \(snapshot.people.count) people, \(snapshot.teams.count) teams")
                for (team, ids) in snapshot.teams.sorted(by: { $0.key < $1.key }) {
                    print("team \(team): \(DirectoryCommand.describe(ids, snapshot))")
                }
                for (group, ids) in snapshot.groups.sorted(by: { $0.key < $1.key }) {
                    print("group \(group): \(DirectoryCommand.describe(ids, snapshot))")
                }
                let changes = try await environment.directorySync()?.store.directoryHistory(limit: history) ?? []
                if !changes.isEmpty { print("latest changes:") }
                for change in changes { print("  " + DirectoryCommand.line(change)) }
            }
        }
    }

    /// People by all their addresses, the first (where notifications go) first.
    static func describe(_ ids: [String], _ snapshot: DirectorySnapshot) -> String {
        ids.map { id in
            let addresses = snapshot.people[id]?.addresses.map { EmailAddress.isPlainMailbox($0.value) ? $0.value : $0.value.debugDescription } ?? []
            return addresses.isEmpty ? "\(id) (no address)" : addresses.joined(separator: " ")
        }.joined(separator: ", ")
    }

    static func line(_ change: DirectoryChange) -> String {
        let who = change.person.isEmpty ? "" : " \(change.address.isEmpty ? change.person : change.address) (\(change.person))"
        return "\(ISO8601DateFormatter().string(from: change.at))\t\(change.action.rawValue)\t\(change.team)\(who)"
    }

    static func notConfigured(_ environment: Environment) -> ConfigurationError {
        ConfigurationError(
            file: environment.configuration.file, key: "directory", line: nil,
            problem: "is missing; expected directory: { url: ldaps://…, base_dn: … } to read people from the SSO directory")
    }

    /// 75 when the directory is down (try later), 78 when it refused the configuration (naming the key).
    static func exit(_ error: DirectoryError, _ environment: Environment) -> ExitCode {
        switch error {
        case .unavailable:
            return ExitStatus.report(error, status: ExitStatus.temporaryFailure)
        case .refused(let key, let reason):
            return ExitStatus.report(
                ConfigurationError(file: environment.configuration.file, key: "directory.\(key)", line: nil, problem: reason),
                status: ExitStatus.configuration)
        }
    }
}
