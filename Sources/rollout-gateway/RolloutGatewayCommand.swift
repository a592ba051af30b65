import ArgumentParser

@main
struct RolloutGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout-gateway",
        abstract: "The mail gateway of EGI's Staged Rollout: tickets, commands by mail, reminders and escalation.",
        subcommands: [
            ReleaseCommand.self, TicketsCommand.self, RunCommand.self, IngestCommand.self, ExplainCommand.self, ApplyCommand.self, TickCommand.self, SendCommand.self, StatusCommand.self,
            SetAsideCommand.self, ConfigCommand.self, TemplatesCommand.self, StoreCommand.self,
        ])
}
