import Foundation
import Logging
import RolloutCore
import RolloutGateway

/// The web view: each request, from identity to page, over the same gateway as the command line and the mail.
/// Server-independent (``WebServer`` adapts Hummingbird to it), so that tests drive it directly too.
public struct WebApp: Sendable {
    public let gateway: Gateway
    public let templates: WebTemplates
    public let tokens: SessionTokens
    public let archive: any ArchiveWriter
    /// The people as they are now, read for each request (`serve` runs for weeks: a person the directory removed loses
    /// the web's rights with the next sync, not at the next restart); nil: the gateway's own registry.
    public let registryNow: (@Sendable () async throws -> Registry)?

    public init(
        gateway: Gateway, templates: WebTemplates, tokens: SessionTokens = SessionTokens(), archive: any ArchiveWriter,
        registryNow: (@Sendable () async throws -> Registry)? = nil
    ) {
        self.gateway = gateway
        self.templates = templates
        self.tokens = tokens
        self.archive = archive
        self.registryNow = registryNow
    }

    var settings: WebSettings { gateway.configuration.web }
    var registry: Registry { gateway.configuration.workflow.registry }
    var calendar: BusinessCalendar { gateway.configuration.workflow.policy.calendar }

    public func respond(to request: WebRequest) async -> WebResponse {
        var response = await respondWithoutHeaders(to: request)
        // Every answer, the refusals before anyone is known included.
        response.headers += Self.securityHeaders
        return response
    }

    private func respondWithoutHeaders(to request: WebRequest) async -> WebResponse {
        // Who is signed in is known from the connection and the proxy's header alone: a request from anyone else is
        // refused before the people are read (a store read and a merge with the directory, for any client's request).
        if case .failure(let why) = WebIdentity.signedIn(peer: request.peer, headerValues: request.header(settings.userHeader), settings: settings) {
            return message(401, "Not signed in", why.text, person: nil)
        }
        guard let registryNow else { return await answer(request) }
        let registry: Registry
        do {
            registry = try await registryNow()
        } catch {
            // The store's own words stay in the log.
            gateway.logger.error("web request refused: the people could not be read", metadata: ["error": "\(error)"])
            return message(503, "Not available", "The gateway cannot read who may use it just now. Try again shortly; if it persists, tell the operator.", person: nil)
        }
        let current = WebApp(gateway: gateway.deciding(with: registry), templates: templates, tokens: tokens, archive: archive)
        return await current.answer(request)
    }

    /// The answer to `request`, with this app's registry.
    private func answer(_ request: WebRequest) async -> WebResponse {
        if request.method == "GET", request.path == "/style.css" {
            return WebResponse(status: 200, contentType: "text/css; charset=utf-8", body: Array(templates.stylesheet.utf8))
        }
        let person: EmailAddress
        switch WebIdentity.decide(peer: request.peer, headerValues: request.header(settings.userHeader), settings: settings, registry: registry) {
        case .person(let address): person = address
        case .unauthenticated(let why): return message(401, "Not signed in", why, person: nil)
        case .forbidden(let why): return message(403, "Not allowed", why, person: nil)
        }
        var session = request.cookie(SessionTokens.cookieName) ?? ""
        var cookie: [(name: String, value: String)] = []
        if !SessionTokens.isWellFormed(session) {
            session = SessionTokens.newSession()
            cookie = [("Set-Cookie", "\(SessionTokens.cookieName)=\(session); Path=/; HttpOnly; SameSite=Strict")]
        }
        var response: WebResponse
        do {
            response = try await route(request, person: person, session: session)
        } catch GatewayError.unknownTicket(let ticket) {
            response = message(404, "No such ticket", "There is no ticket #\(ticket.rawValue).", person: person)
        } catch {
            gateway.logger.error("web request failed", metadata: ["path": "\(request.path)", "error": "\(error)"])
            response = message(500, "Something went wrong", "The gateway could not answer: \(error). Try again; if it persists, tell the operator.", person: person)
        }
        response.headers += cookie
        return response
    }

    /// No framing, no sniffing, no scripts, no referrer to the links' sites.
    static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
    ]

    private func route(_ request: WebRequest, person: EmailAddress, session: String) async throws -> WebResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch (request.method, parts.count) {
        case ("GET", 0):
            return try await rollouts(RolloutFilter(query: request.query), person: person)
        case ("GET", 1) where parts[0] == "metrics":
            return metrics(person: person)
        case (_, 2...) where parts[0] == "tickets":
            let number = parts[1].hasSuffix(".json") ? String(parts[1].dropLast(5)) : parts[1]
            guard let id = Int(number), id > 0 else { return message(404, "No such ticket", "'\(parts[1])' is not a ticket number.", person: person) }
            let ticket = TicketID(id)
            let view = try await gateway.view(of: ticket)
            let roles = WebRoles(person: person, view: view, registry: registry)
            guard roles.concerned else {
                return message(403, "Not your ticket", "Ticket #\(id) does not concern you: you are neither a manager of its stack nor on one of its teams.", person: person)
            }
            switch (request.method, parts.count) {
            case ("GET", 2) where parts[1].hasSuffix(".json"):
                return WebResponse(status: 200, contentType: "application/json", body: Array(try TicketViewJSON.encode(view)) + Array("\n".utf8))
            case ("GET", 2):
                return try await ticketPage(view, roles: roles, person: person, session: session, result: nil, problem: nil, status: 200)
            case ("POST", 2):
                return try await post(request, view: view, roles: roles, person: person, session: session)
            case ("GET", 3) where parts[2] == "bundle.zip":
                // As by mail (`bundle`): the whole bundle goes to the stack's managers only.
                guard roles.isManager else {
                    return message(403, "Managers only", "The report bundle of ticket #\(id) is for the managers of its stack, as `bundle` by mail is; each report is on the ticket's page.", person: person)
                }
                return try await bundle(ticket, person: person)
            case ("GET", 5) where parts[2] == "files":
                return try await file(ticket, at: parts[3], named: parts[4], person: person)
            default:
                return message(404, "No such page", "There is no page \(request.path).", person: person)
            }
        case ("GET", _):
            return message(404, "No such page", "There is no page \(request.path).", person: person)
        default:
            return message(405, "Not allowed", "\(request.method) is not accepted here: the forms post to /tickets/N.", person: person)
        }
    }

    // MARK: Pages

    private func rollouts(_ filter: RolloutFilter, person: EmailAddress) async throws -> WebResponse {
        let now = gateway.clock.now()
        var rows: [RolloutRow] = []
        var stacks: Set<String> = []
        for summary in try await gateway.store.ticketSummaries() where summary.queue == Queue.stagedRollout.rawValue {
            let view = try await gateway.view(of: TicketID(summary.id))
            guard WebRoles(person: person, view: view, registry: registry).concerned else { continue }
            let row = RolloutRow(view, now: now)
            stacks.insert(view.release.stack)
            if filter.admits(row) { rows.append(row) }
        }
        // Open first, then the newest first.
        rows.sort { ($0.isOpen ? 0 : 1, -$0.view.id) < ($1.isOpen ? 0 : 1, -$1.view.id) }
        let values: [String: Any] = [
            "title": "Staged rollouts", "gateway": gateway.configuration.displayName, "person": person.value,
            "hasRollouts": !rows.isEmpty, "rollouts": rows.map { $0.values(calendar: calendar, now: now) },
            "stacks": stacks.sorted().map { ["name": $0, "selected": filter.stack?.caseInsensitiveCompare($0) == .orderedSame] },
            "states": RolloutFilter.State.allCases.map { ["name": $0.rawValue, "selected": $0 == filter.state] },
        ]
        return .html(200, templates.render(.rollouts, values))
    }

    private func ticketPage(
        _ view: TicketView, roles: WebRoles, person: EmailAddress, session: String, result: [CommandResult]?, problem: String?, status: Int
    ) async throws -> WebResponse {
        // From the case alone: the ticket's files are not read for a page.
        let description = (try? await gateway.store.load(TicketID(view.id)))??.rolloutCase.rollout?.release.documentDescription ?? "no staged rollout yet"
        let page = TicketPage(
            view: view, roles: roles, csrf: tokens.token(session: session, person: person, now: gateway.clock.now()), registry: registry,
            documentDescription: description, result: result, problem: problem)
        var values = page.values(calendar: calendar, now: gateway.clock.now())
        values["gateway"] = gateway.configuration.displayName
        values["person"] = person.value
        return .html(status, templates.render(.ticket, values))
    }

    /// A form: the token checked, read into the lines of a mail, applied through the gateway as the mail command is.
    private func post(_ request: WebRequest, view: TicketView, roles: WebRoles, person: EmailAddress, session: String) async throws -> WebResponse {
        let form = request.form
        let refusal: (problem: String, status: Int)?
        let token = form["csrf"]?.first ?? ""
        switch tokens.redeem(token, session: session, person: person, now: gateway.clock.now()) {
        case .accepted: refusal = nil
        case .foreign:
            refusal = ("the form's token does not belong to your session (an old page, or a form from elsewhere): nothing was done; send it again from this page", 403)
        case .expired: refusal = ("the form is from a page more than a day old: nothing was done; send it again from this page", 403)
        case .spent:
            // A reload that sends the form again, or the same request replayed: acted on once, never twice.
            refusal = ("a form of this page was sent before and acted on: nothing was done again; the page below is the ticket as it is now", 409)
        }
        if let refusal {
            return try await ticketPage(view, roles: roles, person: person, session: session, result: nil, problem: refusal.problem, status: refusal.status)
        }
        let action: WebAction
        do {
            action = try WebAction(form: form)
        } catch let problem as WebAction.Problem {
            // Nothing was done: the same page's form may be sent again.
            tokens.refund(token)
            return try await ticketPage(view, roles: roles, person: person, session: session, result: nil, problem: problem.description, status: 400)
        }
        let report: EventReport
        do {
            // In a transaction of its own: on SQLite no other writer changes the ticket while a hook the action runs
            // (`resolve`: the production hook, minutes) moves packages; they wait, or are told to try again.
            report = try await gateway.inTransaction { gateway in
                try await gateway.apply(
                    to: TicketID(view.id), sender: Sender(address: person, authentication: .strong, basis: .web), lines: action.lines,
                    cause: .operatorAction("web \(person.value)"))
            }
        } catch {
            // The action's one transaction kept nothing (the store down, too many conflicts): trying again is right.
            tokens.refund(token)
            throw error
        }
        let after = try await gateway.view(of: TicketID(view.id))
        let refused = report.results.contains { $0.status == .refused }
        return try await ticketPage(
            after, roles: WebRoles(person: person, view: after, registry: registry), person: person, session: session,
            result: report.results, problem: nil, status: refused ? 422 : 200)
    }

    private func bundle(_ ticket: TicketID, person: EmailAddress) async throws -> WebResponse {
        let bundle: ReportBundle
        do {
            bundle = try await gateway.reportBundle(of: ticket)
        } catch GatewayError.invalidInput(let why) {
            return message(409, "No bundle", why, person: person)
        }
        let zip = try archive.archive(bundle.files, modifiedAt: gateway.clock.now())
        return WebResponse(
            status: 200, contentType: "application/zip", body: zip,
            headers: [("Content-Disposition", "attachment; filename=\"staged-rollout-\(ticket.rawValue).zip\"")])
    }

    /// The attachment at `position` among the ticket's (as the page lists them), when its name is `name`. By position,
    /// not by name alone: a file another team sent under a team's report name (refused, and kept) would otherwise be
    /// served in place of the report.
    private func file(_ ticket: TicketID, at position: String, named name: String, person: EmailAddress) async throws -> WebResponse {
        // The list the page numbered: this ticket's own files.
        let attachments = try await gateway.store.attachments(of: ticket)
        guard let index = Int(position), attachments.indices.contains(index),
            ReportBundle.safeName(attachments[index].verdict.fileName) == name
        else {
            return message(404, "No such file", "Ticket #\(ticket.rawValue) has no attachment \(position) named \(name).", person: person)
        }
        let attachment = attachments[index]
        // Always a download, never shown inline: the bytes are the sender's.
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 ? Character($0) : "_" })
        return WebResponse(
            status: 200, contentType: "application/octet-stream", body: attachment.bytes,
            headers: [("Content-Disposition", "attachment; filename=\"\(ascii)\"")])
    }

    private func metrics(person: EmailAddress) -> WebResponse {
        guard let path = gateway.configuration.metricsTextfile else {
            return message(404, "No metrics", "metrics.textfile is not configured, so `run` writes no metrics to show.", person: person)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return message(404, "No metrics yet", "\(path) does not exist yet: `run` writes it after its first cycle.", person: person)
        }
        return WebResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: [UInt8](data))
    }

    private func message(_ status: Int, _ title: String, _ text: String, person: EmailAddress?) -> WebResponse {
        var values: [String: Any] = ["title": title, "message": text, "gateway": gateway.configuration.displayName]
        if let person { values["person"] = person.value }
        return .html(status, templates.render(.message, values))
    }
}
