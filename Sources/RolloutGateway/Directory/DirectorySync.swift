import Foundation
import RolloutCore

/// `directory sync`: read the directory, guard against a mass removal, store the snapshot with its changes in one
/// transaction, and tell the managers of every open staged rollout that has an assigned team the directory no
/// longer has (the team stays assigned: never silently dropped).
public struct DirectorySync: Sendable {
    public let gateway: Gateway
    public let source: any DirectorySource
    public let store: any DirectoryStore
    public let settings: DirectorySettings
    /// The configuration file's registry (before any merge): the addresses the directory may not claim.
    public let configured: Registry?

    public init(
        gateway: Gateway, source: any DirectorySource, store: any DirectoryStore, settings: DirectorySettings, configured: Registry? = nil
    ) {
        self.configured = configured
        self.gateway = gateway
        self.source = source
        self.store = store
        self.settings = settings
    }

    /// Whether the stored snapshot is missing or older than `refresh_minutes`.
    public func isStale() async throws -> Bool {
        guard let stored = try await store.directorySnapshot() else { return true }
        return gateway.clock.now().timeIntervalSince(stored.takenAt) >= Double(settings.refreshMinutes) * 60
    }

    /// Reads and stores the directory. Throws ``DirectoryError`` when it cannot be read (the last snapshot stays).
    public func run(force: Bool = false) async throws -> DirectorySyncReport {
        let fresh = try await source.fetch()
        let now = gateway.clock.now()
        let previous = try await store.directorySnapshot()
        let changes = DirectoryChange.between(previous?.snapshot, fresh, at: now)
        let removed = changes.filter { $0.action == .memberRemoved }.count
        let registry = configured ?? Registry(teams: [], stacks: [:], releaseManagers: [])
        if !force, let previous, let refused = massRemoval(from: counted(previous.snapshot, registry), to: counted(fresh, registry)) {
            gateway.logger.error(
                "directory sync refused: it would remove more than max_removed_share of \(refused.of); the last snapshot stays (rerun with --force if this is right)",
                metadata: ["removed": "\(refused.removed)", "members": "\(refused.total)", "max_removed_share": "\(settings.maxRemovedShare)"])
            return DirectorySyncReport(
                outcome: .massRemovalRefused(removed: refused.removed, total: refused.total, of: refused.of), changes: changes,
                people: fresh.people.count, teams: fresh.teams.count)
        }
        try await store.saveDirectorySnapshot(StoredDirectorySnapshot(snapshot: fresh, takenAt: now), changes: changes)
        let dropped = (configured ?? Registry(teams: [], stacks: [:], releaseManagers: [])).directoryAddresses(of: fresh).dropped
        if !dropped.isEmpty {
            gateway.logger.warning(
                "directory addresses ignored: each is claimed by more than one person, named in the configuration file, or not a plain address",
                metadata: ["addresses": "\(dropped.map(\.value.debugDescription).joined(separator: " "))"])
        }
        let gone = changes.filter { $0.action == .teamGone }.compactMap { TeamName($0.team) }
        let notices = try await noticeGone(gone)
        gateway.logger.info(
            "directory synced",
            metadata: [
                "people": "\(fresh.people.count)", "teams": "\(fresh.teams.count)", "changes": "\(changes.count)",
                "removed": "\(removed)", "notices": "\(notices)",
            ])
        return DirectorySyncReport(outcome: .stored, changes: changes, people: fresh.people.count, teams: fresh.teams.count, noticesQueued: notices)
    }

    /// The memberships the guard counts: in the teams, and in each group the configuration names (a stack's
    /// managers, the release managers), of the people who have an address the registry uses. A person whose every
    /// `mail` value someone else also claims has none, so is counted as removed, as they are from the registry.
    private func counted(_ snapshot: DirectorySnapshot, _ registry: Registry) -> (teams: Set<DirectoryMembership>, groups: [String: Set<String>]) {
        let addressed = Set(registry.directoryAddresses(of: snapshot).people.filter { !$0.value.isEmpty }.keys)
        let named = Set(settings.managersGroups.values).union(settings.releaseManagersGroup.map { [$0] } ?? [])
        var groups: [String: Set<String>] = [:]
        for group in named { groups[group] = Set((snapshot.groups[group] ?? []).filter(addressed.contains)) }
        return (Set(snapshot.memberships.filter { addressed.contains($0.person) }), groups)
    }

    /// The first of the teams' memberships or a group's members that would lose more than `max_removed_share`.
    private func massRemoval(
        from before: (teams: Set<DirectoryMembership>, groups: [String: Set<String>]),
        to after: (teams: Set<DirectoryMembership>, groups: [String: Set<String>])
    ) -> (removed: Int, total: Int, of: String)? {
        func tooMany(_ removed: Int, _ total: Int) -> Bool { total > 0 && Double(removed) > settings.maxRemovedShare * Double(total) }
        let teamsRemoved = before.teams.subtracting(after.teams).count
        if tooMany(teamsRemoved, before.teams.count) { return (teamsRemoved, before.teams.count, "team members") }
        for (group, members) in before.groups.sorted(by: { $0.key < $1.key }) {
            let removed = members.subtracting(after.groups[group] ?? []).count
            if tooMany(removed, members.count) { return (removed, members.count, "the members of group \(group)") }
        }
        return nil
    }

    /// Queues the managers' notice on each open staged rollout to which a gone team is still assigned.
    private func noticeGone(_ teams: [TeamName]) async throws -> Int {
        guard !teams.isEmpty else { return 0 }
        var queued = 0
        var done = Set<TicketID>()
        for summary in try await gateway.store.ticketSummaries() {
            guard let stored = try await gateway.store.load(TicketID(summary.id)), let rollout = stored.rolloutCase.rollout,
                rollout.status != .resolved, done.insert(rollout.id).inserted
            else { continue }
            for team in teams where rollout.assignment(of: team)?.isActive == true {
                let report = try await gateway.decideAndCommit(rollout.id, cause: .operatorAction("directory sync")) { _ in
                    .directoryTeamGone(team)
                }
                queued += report.notifications
            }
        }
        return queued
    }
}
