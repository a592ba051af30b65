import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

@main
struct RolloutGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout-gateway",
        abstract: "The mail gateway of EGI's Staged Rollout: tickets, commands by mail, reminders and escalation.",
        subcommands: [
            ReleaseCommand.self, TicketsCommand.self, RunCommand.self, IngestCommand.self, ExplainCommand.self, ApplyCommand.self, TickCommand.self, SendCommand.self, StatusCommand.self,
            SetAsideCommand.self, ConfigCommand.self, TemplatesCommand.self, StoreCommand.self, ReportsCommand.self, DowntimesCommand.self,
            DirectoryCommand.self, ServeCommand.self,
        ])

    /// Every file the gateway creates is private whatever the caller's umask (the store with every mail's text,
    /// its WAL and lock, the outbox and set-aside Maildirs): 0600 files, 0700 folders, as under the unit's `UMask=0077`.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
