import Foundation
import RolloutCore
import RolloutGateway

/// The values of the ticket page (`/tickets/N`): what `tickets show` has, the forms the person's roles offer, and
/// the result of the form just posted.
struct TicketPage {
    var view: TicketView
    var roles: WebRoles
    var csrf: String
    var registry: Registry
    var documentDescription: String
    var result: [CommandResult]?
    /// Why a posted form was not read (nothing was applied).
    var problem: String?

    func values(calendar: BusinessCalendar, now: Date) -> [String: Any] {
        func time(_ date: Date?) -> String { date.map(calendar.describe) ?? "-" }
        let release = view.release
        var values: [String: Any] = [
            "title": "#\(view.id)", "id": view.id, "ticketTitle": view.title, "status": view.status,
            "release": [release.stack, release.component, release.version, release.os, release.arch].compactMap { $0 }.joined(separator: " "),
            "stack": release.stack, "releaseStatus": release.status,
            "links": ["releaseNotes": release.links.releaseNotes, "fixedBugs": release.links.fixedBugs, "documentation": release.links.documentation],
            "escalations": view.escalation?.sent ?? 0, "documentDescription": documentDescription,
            "ggus": view.ggus.map { ["number": $0, "url": Self.ggusURL($0)] },
            "teams": view.teams.map { team in
                var chip = TeamChip(team, now: now, open: view.status != RolloutStatus.resolved.rawValue).values
                chip["details"] = Self.details(of: team, time: time)
                return chip
            },
            "hasTimers": !view.timers.isEmpty,
            "timers": view.timers.map { timer -> [String: Any] in
                var values: [String: Any] = ["kind": timer.kind, "dueAt": time(timer.dueAt)]
                if let team = timer.team { values["team"] = team }
                return values
            },
            "attachments": view.attachments.enumerated().map { position, attachment -> [String: Any] in
                var values: [String: Any] = [
                    "fileName": attachment.fileName, "urlName": Self.pathComponent(ReportBundle.safeName(attachment.fileName)),
                    "kind": attachment.kind, "size": attachment.size, "id": view.id, "position": position,
                ]
                if let team = attachment.team { values["team"] = team }
                if let problem = attachment.problem { values["problem"] = problem }
                return values
            },
            "history": view.history.map { entry -> [String: Any] in
                var values: [String: Any] = ["at": time(entry.at), "cause": entry.cause, "detail": entry.detail]
                if let actor = entry.actor { values["actor"] = actor }
                if let basis = entry.authenticationBasis { values["basis"] = basis }
                return values
            },
        ]
        values["offersBundle"] = roles.isManager
        if let parent = view.parent { values["parent"] = parent }
        if let outcome = view.outcome { values["outcome"] = outcome }
        if let document = view.documentId { values["documentId"] = document }
        if let summary = view.summary { values["summary"] = summary }
        if let next = view.escalation?.nextAt { values["nextEscalation"] = time(next) }
        if view.queue == Queue.stagedRollout.rawValue, view.status != RolloutStatus.resolved.rawValue, roles.isManager || !roles.teams.isEmpty {
            values["forms"] = forms
        }
        if let problem {
            values["result"] = ["refused": true, "lines": [["status": "refused", "line": "the form", "message": problem]]]
        } else if let result {
            values["result"] = [
                "refused": result.contains { $0.status == .refused },
                "lines": result.map { line -> [String: Any] in
                    var values: [String: Any] = ["status": line.status.rawValue, "line": line.line, "message": line.message]
                    if let expected = line.expected { values["expected"] = expected }
                    return values
                },
            ]
        }
        return values
    }

    /// The forms the person's roles offer; the workflow decides whatever is posted.
    private var forms: [String: Any] {
        var forms: [String: Any] = ["csrf": csrf, "teamForms": roles.teams.map { ["team": $0.shortForm] }]
        if roles.isManager {
            let assigned = Set(view.teams.filter { $0.unassignedAt == nil }.compactMap { TeamName($0.team) })
            let family = ComponentRelease(stack: view.release.stack, component: nil, version: "").stackFamily
            let teams = registry.teams.values.filter { $0.adopts(family) }
            forms["manager"] = [
                "stackTeams": teams.map(\.name).sorted().map { ["name": $0.shortForm, "assigned": assigned.contains($0)] }
            ]
        }
        return forms
    }

    /// A team's line after its chip, as `tickets show` says it.
    static func details(of team: TicketView.Team, time: (Date?) -> String) -> String {
        var parts: [String] = []
        if team.volunteered { parts.append("volunteered") }
        if team.answer == nil, team.unassignedAt == nil { parts.append("answer due \(time(team.answerDeadline))") }
        if let by = team.answeredBy { parts.append("by \(by)") }
        if let end = team.testingMaximumEnd { parts.append("testing \(time(team.testingMinimumEnd)) – \(time(end))") }
        if team.downtime { parts.append("beta downtime on") }
        if let report = team.report { parts.append("report \(report)") } else if team.answer == TeamAnswer.accepted.rawValue { parts.append("no report yet") }
        return parts.joined(separator: "; ")
    }

    /// The GGUS page of a ticket number.
    static func ggusURL(_ number: String) -> String { "https://ggus.eu/?mode=ticket_info&ticket_id=\(number)" }

    /// A file name as one path component of a URL (every byte but unreserved ones percent-encoded).
    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? name
    }
}
