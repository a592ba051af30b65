import RolloutCore
import Testing

@Suite("Registry: a person's teams, from the index of members")
struct RegistryLookupTests {
    @Test("each address's teams and whether it is known: what reading every team's members gives")
    func sameAsEveryTeamRead() {
        let people = (0..<12).map { EmailAddress("person\($0)@site\($0 % 3).example.org") }
        // Overlapping, repeated and differently written members; one team with none.
        var teams: [EATeam] = []
        for index in 0..<8 {
            let repeated: EmailAddress = people[(index * 5) % 12]
            let upper = EmailAddress(people[(index + 3) % 12].value.uppercased())
            let members: [EmailAddress] = index == 7 ? [] : [people[index], repeated, repeated, upper]
            teams.append(EATeam(name: TeamName("ea-NGI_X-SITE\(index)")!, members: members, stacks: ["EMI"]))
        }
        let alternate = EmailAddress("other.address@elsewhere.example.org")
        let registry = Registry(
            teams: teams, stacks: ["EMI": StackPeople(managers: [people[11]], lists: [])], releaseManagers: [people[10]],
            alternates: [alternate: people[1]])
        for address in people + [alternate, EmailAddress("stranger@example.org"), EmailAddress("PERSON4@SITE1.EXAMPLE.ORG")] {
            let person = registry.primary(address)
            let expected: [TeamName] = teams.filter { $0.members.contains(person) }.map { $0.name }.sorted()
            #expect(registry.teams(of: address) == expected, "\(address)")
            let known = people[10] == person || people[11] == person || teams.contains { $0.members.contains(person) }
            #expect(registry.knows(address) == known, "\(address)")
        }
        #expect(registry.teams(of: alternate) == registry.teams(of: people[1]))
    }
}
