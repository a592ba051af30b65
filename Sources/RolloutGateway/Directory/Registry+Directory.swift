import Foundation
import RolloutCore

extension Registry {
    /// The registry every decision reads when a directory is configured: the configuration's people merged with the
    /// snapshot's, or the snapshot's alone where `exclusive` says so. Which stacks a team adopts stays in the
    /// configuration (a team only the directory knows adopts none until the file names it). A person's first
    /// address is the one named in the lists; their other addresses map to it (``alternates``). See
    /// ``directoryAddresses(of:)`` for which directory addresses count.
    public func merged(with snapshot: DirectorySnapshot, _ settings: DirectorySettings) -> Registry {
        let (people, _) = directoryAddresses(of: snapshot)
        var alternates: [EmailAddress: EmailAddress] = [:]
        for addresses in people.values {
            guard let primary = addresses.first else { continue }
            for address in addresses.dropFirst() { alternates[address] = primary }
        }
        func primaries(_ ids: [String]) -> [EmailAddress] { ids.compactMap { people[$0]?.first } }
        // The file's addresses are never rewritten: only the directory's people are named by their primary.
        func combine(file: [EmailAddress], directory: [EmailAddress]) -> [EmailAddress] {
            var seen = Set<EmailAddress>()
            return (settings.exclusive ? directory : file + directory).filter { seen.insert($0).inserted }
        }

        var directoryTeams: [TeamName: [EmailAddress]] = [:]
        for (written, ids) in snapshot.teams {
            guard let name = TeamName(written) else { continue }
            directoryTeams[name, default: []] += primaries(ids)
        }
        var merged: [EATeam] = []
        for name in Set(teams.keys).union(directoryTeams.keys).sorted() {
            let configured = teams[name]
            let members = combine(file: configured?.members ?? [], directory: directoryTeams[name] ?? [])
            if settings.exclusive && directoryTeams[name] == nil { continue }
            merged.append(
                EATeam(
                    name: configured?.name ?? name, members: members, stacks: configured?.stacks ?? [],
                    adoptsEveryStackWhenNoneListed: configured?.adoptsEveryStackWhenNoneListed ?? false))
        }
        var stackPeople = stacks
        for (stack, group) in settings.managersGroups {
            let key = stack.lowercased()
            let current = stackPeople[key] ?? StackPeople(managers: [], lists: [])
            stackPeople[key] = StackPeople(
                managers: combine(file: current.managers, directory: primaries(snapshot.groups[group] ?? [])), lists: current.lists)
        }
        var releaseManagers = self.releaseManagers
        if let group = settings.releaseManagersGroup {
            releaseManagers = combine(file: releaseManagers, directory: primaries(snapshot.groups[group] ?? []))
        }
        return Registry(teams: merged, stacks: stackPeople, releaseManagers: releaseManagers, alternates: alternates)
    }

    /// Every address written in this (the file's) registry: team members, managers, lists, release managers.
    public var configuredAddresses: Set<EmailAddress> {
        Set(teams.values.flatMap(\.members) + stacks.values.flatMap { $0.managers + $0.lists } + releaseManagers + alternates.keys)
    }

    /// The addresses each directory person may be known by (person id → addresses, primary first) and the ones
    /// dropped. A `mail` value is anyone's to write, so an address counts for nobody when more than one person
    /// claims it or when the configuration file names it (the file's address stays the file's person: the directory
    /// cannot take it over, nor link another address to it). A value that is not a plain mailbox (a line break, `<`,
    /// `>`: it would end the SMTP command or header line it is written on) counts for nobody either. A person left
    /// without an address is left out.
    public func directoryAddresses(of snapshot: DirectorySnapshot) -> (people: [String: [EmailAddress]], dropped: [EmailAddress]) {
        let configured = configuredAddresses
        var claims: [EmailAddress: Int] = [:]
        for person in snapshot.people.values {
            for address in Set(person.addresses) { claims[address, default: 0] += 1 }
        }
        var people: [String: [EmailAddress]] = [:]
        var dropped = Set<EmailAddress>()
        for person in snapshot.people.values {
            var seen = Set<EmailAddress>()
            let kept = person.addresses.filter { address in
                guard claims[address] == 1, !configured.contains(address), EmailAddress.isPlainMailbox(address.value) else {
                    dropped.insert(address)
                    return false
                }
                return seen.insert(address).inserted
            }
            if !kept.isEmpty { people[person.id] = kept }
        }
        return (people, dropped.sorted())
    }
}
