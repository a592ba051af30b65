import Foundation
import RolloutCore
import RolloutGateway
import Testing

/// The directory's snapshot and its changes (issue 22): every driver keeps them alike, the snapshot replaced whole.
@Suite("Store: the directory's snapshot and its history")
struct DirectoryStoreConformanceTests {
    @Test("a snapshot replaces the last, with its changes; both come back from another handle", arguments: drivers)
    func snapshotAndHistory(driver: StoreDriver) async throws {
        let place = try driver.makePlace()
        let store = try #require(try await place.open() as? any DirectoryStore)
        #expect(try await store.directorySnapshot() == nil)
        let chiara = DirectoryPerson(id: "0a1b2c@egi.eu", addresses: [EmailAddress("chiara.rossi@cnaf.example.org"), EmailAddress("c.rossi@infn.example.org")])
        let giulia = DirectoryPerson(id: "3d4e5f@egi.eu", addresses: [EmailAddress("giulia.bianchi@cnaf.example.org")])
        let first = DirectorySnapshot(people: [chiara, giulia], teams: ["ea-NGI_IT-INFN-T1": [chiara.id]], groups: ["staged-rollout": [giulia.id]])
        let at = amsterdam("2026-11-30 10:00")
        try await store.saveDirectorySnapshot(StoredDirectorySnapshot(snapshot: first, takenAt: at), changes: DirectoryChange.between(nil, first, at: at))
        var second = first
        second.teams["ea-NGI_IT-INFN-T1"] = [giulia.id]
        let later = at.addingTimeInterval(3600)
        try await store.saveDirectorySnapshot(
            StoredDirectorySnapshot(snapshot: second, takenAt: later), changes: DirectoryChange.between(first, second, at: later))

        let reopened = try #require(try await place.open() as? any DirectoryStore)
        #expect(try await reopened.directorySnapshot() == StoredDirectorySnapshot(snapshot: second, takenAt: later))
        let history = try await reopened.directoryHistory(limit: 10)
        #expect(history.map(\.action) == [.teamCreated, .memberAdded, .memberAdded, .memberRemoved])
        #expect(history.last == DirectoryChange(at: later, action: .memberRemoved, team: "ea-NGI_IT-INFN-T1", person: chiara.id, address: "chiara.rossi@cnaf.example.org"))
        #expect(try await reopened.directoryHistory(limit: 2).map(\.action) == [.memberAdded, .memberRemoved])
    }
}
