import Foundation
import RolloutCore
import RolloutGateway
import StoreMemory
import Testing

/// The directory's snapshot merged into the registry, its changes, and its store (issue 22): pure, no server.
@Suite("Directory snapshot: registry, changes, store")
struct DirectoryRegistryTests {
    static let chiara = DirectoryPerson(id: "0a1b2c@egi.eu", addresses: [EmailAddress("chiara.rossi@cnaf.example.org"), EmailAddress("c.rossi@infn.example.org")])
    static let ines = DirectoryPerson(id: "2b3c4d@egi.eu", addresses: [EmailAddress("ines.costa@lip.example.org"), EmailAddress("icosta@lip.example.org")])
    static let snapshot = DirectorySnapshot(
        people: [chiara, ines], teams: ["ea-NGI_IT-INFN-T1": [chiara.id], "ea-NGI_XX-NEW": [chiara.id]],
        groups: ["staged-rollout": [ines.id]])
    static let settings = DirectorySettings(url: "ldap://127.0.0.1/", baseDN: "dc=x", managersGroups: ["EMI": "staged-rollout"])
    static let configured = Registry(
        teams: [
            EATeam(name: TeamName("ea-NGI_IT-INFN-T1")!, members: [EmailAddress("paolo@cnaf.example.org"), EmailAddress("C.Rossi@infn.example.org")], stacks: ["EMI"]),
            EATeam(name: TeamName("ea-NGI_DE-FZK-LCG2")!, members: [EmailAddress("pavel@kit.example.org")], stacks: ["EMI"]),
        ],
        stacks: ["EMI": StackPeople(managers: [EmailAddress("mario@lip.example.org")], lists: [])], releaseManagers: [])

    @Test("merged: every address of a person counts, the first is the one named; the file's addresses stay as written")
    func merged() {
        let registry = Self.configured.merged(with: Self.snapshot, Self.settings)
        let team = TeamName("ea-NGI_IT-INFN-T1")!
        // The file named c.rossi: the directory cannot claim a file's address, so it stays the file's, unrewritten.
        #expect(
            registry.teams[team]?.members.map(\.value)
                == ["paolo@cnaf.example.org", "C.Rossi@infn.example.org", "chiara.rossi@cnaf.example.org"])
        #expect(registry.isMember(EmailAddress("c.rossi@infn.example.org"), of: team))
        #expect(registry.isMember(EmailAddress("chiara.rossi@cnaf.example.org"), of: team))
        #expect(registry.isMember(EmailAddress("paolo@cnaf.example.org"), of: team))
        #expect(!registry.isMember(EmailAddress("giulia@cnaf.example.org"), of: team))
        #expect(registry.isManager(EmailAddress("icosta@lip.example.org"), ofStack: "EMI-1.0"))
        #expect(registry.isManager(EmailAddress("mario@lip.example.org"), ofStack: "EMI-1.0"))
        #expect(registry.addresses(of: EmailAddress("ICOSTA@lip.example.org")) == Self.ines.addresses)
        #expect(registry.addresses(of: EmailAddress("C.ROSSI@infn.example.org")) == [EmailAddress("c.rossi@infn.example.org")])
        // A team only the directory has adopts no stack; the file's team without a group stays.
        #expect(registry.teams[TeamName("ea-NGI_XX-NEW")!]?.stacks == [])
        #expect(registry.teams[TeamName("ea-NGI_XX-NEW")!]?.adopts("EMI") == false)
        #expect(registry.teams[team]?.adopts("EMI") == true)
        #expect(registry.teams[TeamName("ea-NGI_DE-FZK-LCG2")!]?.members == [EmailAddress("pavel@kit.example.org")])
    }

    @Test("a mail value with a line break, < or > counts for nobody: it would end an SMTP command or split into two recipients")
    func addressesThatBreakLines() {
        // Carla's first value would add SMTP commands; Dario's would become two recipients where the outbox keeps one a line.
        let carla = DirectoryPerson(
            id: "c9@egi.eu", addresses: [EmailAddress("carla@x.example.org>\r\nDATA\r\n.\r\nRCPT TO:<carla@x.example.org"), EmailAddress("carla@x.example.org")])
        let dario = DirectoryPerson(id: "d9@egi.eu", addresses: [EmailAddress("dario@x.example.org\nboss@y.example.org")])
        let ugo = DirectoryPerson(id: "u9@egi.eu", addresses: [EmailAddress("ugo <ugo@x.example.org>"), EmailAddress("ugo@x.example.org\u{2028}")])
        let snapshot = DirectorySnapshot(
            people: [Self.chiara, carla, dario, ugo], teams: ["ea-NGI_IT-INFN-T1": [Self.chiara.id, carla.id, dario.id, ugo.id]], groups: [:])
        let (people, dropped) = Self.configured.directoryAddresses(of: snapshot)
        #expect(people[carla.id] == [EmailAddress("carla@x.example.org")])
        #expect(people[dario.id] == nil && people[ugo.id] == nil)
        // Chiara's second value is the file's (dropped as before); the four values that break lines.
        #expect(dropped.filter { !EmailAddress.isPlainMailbox($0.value) }.count == 4)
        let members = Self.configured.merged(with: snapshot, Self.settings).teams[TeamName("ea-NGI_IT-INFN-T1")!]?.members ?? []
        #expect(members.allSatisfy { EmailAddress.isPlainMailbox($0.value) })
        #expect(members.contains(EmailAddress("carla@x.example.org")) && members.contains(EmailAddress("chiara.rossi@cnaf.example.org")))
    }

    @Test("hostile mail values: a directory person cannot take over, or link to, a file's address or another's")
    func hostileMail() {
        let mario = EmailAddress("mario@lip.example.org")
        // Eve lists the configured manager's address second, Mallory first; Trudy claims Ines's second address.
        let eve = DirectoryPerson(id: "e1@egi.eu", addresses: [EmailAddress("eve@evil.example"), mario])
        let mallory = DirectoryPerson(id: "m1@egi.eu", addresses: [mario, EmailAddress("mallory@evil.example")])
        let trudy = DirectoryPerson(id: "t1@egi.eu", addresses: [EmailAddress("trudy@evil.example"), EmailAddress("icosta@lip.example.org")])
        let snapshot = DirectorySnapshot(
            people: [Self.chiara, Self.ines, eve, mallory, trudy], teams: ["ea-NGI_IT-INFN-T1": [Self.chiara.id]],
            groups: ["staged-rollout": [Self.ines.id]])
        let registry = Self.configured.merged(with: snapshot, Self.settings)
        #expect(registry.people(ofStack: "EMI").managers == [mario, EmailAddress("ines.costa@lip.example.org")])
        for outsider in ["eve@evil.example", "mallory@evil.example", "trudy@evil.example"] {
            #expect(!registry.isManager(EmailAddress(outsider), ofStack: "EMI"), "\(outsider)")
            #expect(!registry.knows(EmailAddress(outsider)), "\(outsider)")
        }
        #expect(registry.addresses(of: mario) == [mario])
        #expect(registry.isManager(EmailAddress("ines.costa@lip.example.org"), ofStack: "EMI"))
        // Claimed twice, icosta counts for neither.
        #expect(!registry.isManager(EmailAddress("icosta@lip.example.org"), ofStack: "EMI"))
        #expect(
            Self.configured.directoryAddresses(of: snapshot).dropped
                == [EmailAddress("c.rossi@infn.example.org"), EmailAddress("icosta@lip.example.org"), mario])
    }

    @Test("exclusive: the directory alone names teams and the managers of a stack with a group")
    func exclusive() {
        var settings = Self.settings
        settings.exclusive = true
        let registry = Self.configured.merged(with: Self.snapshot, settings)
        #expect(registry.teams[TeamName("ea-NGI_DE-FZK-LCG2")!] == nil)
        #expect(!registry.isMember(EmailAddress("paolo@cnaf.example.org"), of: TeamName("ea-NGI_IT-INFN-T1")!))
        #expect(registry.teams[TeamName("ea-NGI_IT-INFN-T1")!]?.stacks == ["EMI"])
        #expect(!registry.isManager(EmailAddress("mario@lip.example.org"), ofStack: "EMI"))
        #expect(registry.isManager(EmailAddress("ines.costa@lip.example.org"), ofStack: "EMI"))
    }

    @Test("changes: teams created and gone, members added and removed, by person id")
    func changes() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let first = DirectoryChange.between(nil, Self.snapshot, at: at)
        #expect(first.filter { $0.action == .teamCreated }.map(\.team) == ["ea-NGI_IT-INFN-T1", "ea-NGI_XX-NEW"])
        #expect(first.filter { $0.action == .memberAdded }.count == 2)
        var next = Self.snapshot
        next.teams["ea-NGI_XX-NEW"] = nil
        next.teams["ea-NGI_IT-INFN-T1"] = [Self.ines.id]
        let changes = DirectoryChange.between(Self.snapshot, next, at: at)
        #expect(
            changes == [
                DirectoryChange(at: at, action: .memberAdded, team: "ea-NGI_IT-INFN-T1", person: Self.ines.id, address: "ines.costa@lip.example.org"),
                DirectoryChange(at: at, action: .memberRemoved, team: "ea-NGI_IT-INFN-T1", person: Self.chiara.id, address: "chiara.rossi@cnaf.example.org"),
                DirectoryChange(at: at, action: .memberRemoved, team: "ea-NGI_XX-NEW", person: Self.chiara.id, address: "chiara.rossi@cnaf.example.org"),
                DirectoryChange(at: at, action: .teamGone, team: "ea-NGI_XX-NEW"),
            ])
        #expect(DirectoryChange.between(Self.snapshot, Self.snapshot, at: at).isEmpty)
    }

    @Test("the memory store keeps the snapshot and its history as the SQL drivers do")
    func memoryStore() async throws {
        let store = MemoryTicketStore()
        #expect(try await store.directorySnapshot() == nil)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let stored = StoredDirectorySnapshot(snapshot: Self.snapshot, takenAt: at)
        try await store.saveDirectorySnapshot(stored, changes: DirectoryChange.between(nil, Self.snapshot, at: at))
        #expect(try await store.directorySnapshot() == stored)
        #expect(try await store.directoryHistory(limit: 2).map(\.action) == [.teamCreated, .memberAdded])
        #expect(try DirectorySnapshot.decoded(Self.snapshot.encoded()) == Self.snapshot)
    }
}
