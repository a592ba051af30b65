import Foundation
import RolloutCore

extension Registry {
    /// The registry every decision reads when a directory is configured: the configuration's people merged with the
    /// snapshot's, or the snapshot's alone where `exclusive` says so. Which stacks a team adopts stays in the
    /// configuration (a team only the directory knows adopts none until the file names it). A person's first
    /// address is the one named in the lists; their other addresses map to it (``alternates``).
    public func merged(with snapshot: DirectorySnapshot, _ settings: DirectorySettings) -> Registry {
        var alternates: [EmailAddress: EmailAddress] = [:]
        for person in snapshot.people.values.sorted(by: { $0.id < $1.id }) {
            guard let primary = person.primary else { continue }
            for address in person.addresses.dropFirst() where address != primary && alternates[address] == nil {
                alternates[address] = primary
            }
        }
        func named(_ addresses: [EmailAddress]) -> [EmailAddress] {
            var seen = Set<EmailAddress>()
            return addresses.map { alternates[$0] ?? $0 }.filter { seen.insert($0).inserted }
        }
        func combine(file: [EmailAddress], directory: [EmailAddress]) -> [EmailAddress] {
            named(settings.exclusive ? directory : file + directory)
        }

        var directoryTeams: [TeamName: [EmailAddress]] = [:]
        for (written, ids) in snapshot.teams {
            guard let name = TeamName(written) else { continue }
            directoryTeams[name, default: []] += snapshot.primaryAddresses(of: ids)
        }
        var merged: [EATeam] = []
        for name in Set(teams.keys).union(directoryTeams.keys).sorted() {
            let configured = teams[name]
            let members = combine(file: configured?.members ?? [], directory: directoryTeams[name] ?? [])
            if settings.exclusive && directoryTeams[name] == nil { continue }
            merged.append(EATeam(name: configured?.name ?? name, members: members, stacks: configured?.stacks ?? []))
        }
        var people = stacks
        for (stack, group) in settings.managersGroups {
            let key = stack.lowercased()
            let current = people[key] ?? StackPeople(managers: [], lists: [])
            people[key] = StackPeople(
                managers: combine(file: current.managers, directory: snapshot.primaryAddresses(of: snapshot.groups[group] ?? [])),
                lists: current.lists)
        }
        var releaseManagers = named(self.releaseManagers)
        if let group = settings.releaseManagersGroup {
            releaseManagers = combine(file: releaseManagers, directory: snapshot.primaryAddresses(of: snapshot.groups[group] ?? []))
        }
        return Registry(teams: merged, stacks: people, releaseManagers: releaseManagers, alternates: alternates)
    }
}
