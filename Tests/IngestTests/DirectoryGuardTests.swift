import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// The mass-removal guard of `directory sync` counts what the registry will use (issue 22, an attacker review).
@Suite("directory sync: the mass-removal guard counts people who lose every address, and the managers' groups")
struct DirectoryGuardTests {
    /// A directory that answers one snapshot.
    struct FixedDirectory: DirectorySource {
        let snapshot: DirectorySnapshot
        func fetch() async throws -> DirectorySnapshot { snapshot }
    }

    static let ines = DirectoryPerson(id: "ines@egi.eu", addresses: [EmailAddress("ines.costa@lip.example.org")])
    static let bob = DirectoryPerson(id: "bob@egi.eu", addresses: [EmailAddress("bob@cnaf.example.org")])
    static let settings = DirectorySettings(url: "ldap://127.0.0.1/", baseDN: "dc=x", managersGroups: ["EMI": "staged-rollout"])

    static func snapshot(_ people: [DirectoryPerson]) -> DirectorySnapshot {
        DirectorySnapshot(people: people, teams: ["ea-NGI_IT-INFN-T1": [bob.id]], groups: ["staged-rollout": [ines.id]])
    }

    func sync(_ world: IngestWorld, _ snapshot: DirectorySnapshot) async throws -> DirectorySyncReport {
        try await DirectorySync(gateway: world.gateway, source: FixedDirectory(snapshot: snapshot), store: world.store, settings: Self.settings)
            .run()
    }

    @Test("someone listing the only manager's address on their own entry: refused, the manager stays")
    func addressClaimedAway() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await sync(world, Self.snapshot([Self.ines, Self.bob])).outcome == .stored)

        // Mallory writes Ines's one address into her own entry: that address now counts for nobody.
        let mallory = DirectoryPerson(
            id: "mallory@egi.eu", addresses: [EmailAddress("mallory@evil.example"), EmailAddress("ines.costa@lip.example.org")])
        let claimed = try await sync(world, Self.snapshot([Self.ines, Self.bob, mallory]))
        #expect(claimed.outcome == .massRemovalRefused(removed: 1, total: 1, of: "the members of group staged-rollout"))
        let kept = try #require(try await world.store.directorySnapshot())
        #expect(kept.snapshot == Self.snapshot([Self.ines, Self.bob]), "the last snapshot stays")
        #expect(Registry(teams: [], stacks: [:], releaseManagers: []).merged(with: kept.snapshot, Self.settings)
            .isManager(EmailAddress("ines.costa@lip.example.org"), ofStack: "EMI-1.0"))

        // Control: a newcomer with an address of their own changes nothing the guard counts.
        let newcomer = DirectoryPerson(id: "new@egi.eu", addresses: [EmailAddress("new@cnaf.example.org")])
        #expect(try await sync(world, Self.snapshot([Self.ines, Self.bob, newcomer])).outcome == .stored)
    }

    @Test("a team member left with no address counts as removed from the team")
    func teamMemberClaimedAway() async throws {
        let world = try await IngestWorld()
        defer { world.cleanUp() }
        #expect(try await sync(world, Self.snapshot([Self.ines, Self.bob])).outcome == .stored)
        let mallory = DirectoryPerson(id: "mallory@egi.eu", addresses: [EmailAddress("bob@cnaf.example.org")])
        #expect(
            try await sync(world, Self.snapshot([Self.ines, Self.bob, mallory])).outcome
                == .massRemovalRefused(removed: 1, total: 1, of: "team members"))
    }
}
