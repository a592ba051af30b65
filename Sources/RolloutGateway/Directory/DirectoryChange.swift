import Foundation
import RolloutCore

/// One change a sync found, kept as history (`directory_history`): who joined or left which team, which team
/// appeared or went, and when.
public struct DirectoryChange: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case memberAdded = "member-added"
        case memberRemoved = "member-removed"
        case teamCreated = "team-created"
        case teamGone = "team-gone"
    }

    public var at: Date
    public var action: Action
    public var team: String
    /// The person's id and first address (empty for a team's own changes).
    public var person: String
    public var address: String

    public init(at: Date, action: Action, team: String, person: String = "", address: String = "") {
        self.at = at
        self.action = action
        self.team = team
        self.person = person
        self.address = address
    }

    /// The changes from `old` (nil: the first sync, where every team is created) to `new`, teams in name order.
    public static func between(_ old: DirectorySnapshot?, _ new: DirectorySnapshot, at date: Date) -> [DirectoryChange] {
        let before = old?.teams ?? [:]
        var changes: [DirectoryChange] = []
        func person(_ id: String, in snapshot: DirectorySnapshot?) -> (String, String) {
            // The first value that is a plain mailbox: a change is shown (`directory show`) and logged as written.
            (id, snapshot?.people[id]?.addresses.first { EmailAddress.isPlainMailbox($0.value) }?.value ?? "")
        }
        for team in Set(before.keys).union(new.teams.keys).sorted() {
            let was = Set(before[team] ?? []), now = Set(new.teams[team] ?? [])
            if before[team] == nil { changes.append(DirectoryChange(at: date, action: .teamCreated, team: team)) }
            for id in now.subtracting(was).sorted() {
                let (id, address) = person(id, in: new)
                changes.append(DirectoryChange(at: date, action: .memberAdded, team: team, person: id, address: address))
            }
            for id in was.subtracting(now).sorted() {
                let (id, address) = person(id, in: old)
                changes.append(DirectoryChange(at: date, action: .memberRemoved, team: team, person: id, address: address))
            }
            if new.teams[team] == nil { changes.append(DirectoryChange(at: date, action: .teamGone, team: team)) }
        }
        return changes
    }
}
