import RolloutCore
import RolloutGateway

/// What a person is on one ticket, for what the web view shows and offers: only what the mail commands would let
/// them do is offered, and the workflow still decides (a form posted anyway is refused as by mail).
public struct WebRoles: Sendable, Equatable {
    /// A manager of the ticket's stack.
    public var isManager: Bool
    public var isReleaseManager: Bool
    /// The person's teams among the ticket's teams still assigned, sorted.
    public var teams: [TeamName]

    public init(person: EmailAddress, view: TicketView, registry: Registry) {
        isManager = registry.isManager(person, ofStack: view.release.stack)
        isReleaseManager = registry.isReleaseManager(person)
        let own = Set(registry.teams(of: person))
        let onTicket = view.teams.compactMap { team in TeamName(team.team).map { (name: $0, assigned: team.unassignedAt == nil) } }
        teams = onTicket.filter { $0.assigned && own.contains($0.name) }.map(\.name).sorted()
    }

    /// Whether the ticket concerns the person, as mail's `show` has it: its stack's managers, the release managers,
    /// and the members of the teams still assigned to it. A team taken off the ticket no longer reads it: not its
    /// later comments, nor the other teams' reports (mail stops relaying to it then too).
    public var concerned: Bool { isManager || isReleaseManager || !teams.isEmpty }
}
