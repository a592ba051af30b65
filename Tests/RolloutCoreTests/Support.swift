import Foundation
import RolloutCore

/// A small world for the rules engine: one stack, three teams, two managers, a list.
enum World {
    static let manager = EmailAddress("mario.david@lip.example.org")
    static let otherManager = EmailAddress("joao.pina@lip.example.org")
    static let releaseManager = EmailAddress("release-manager@egi.example.org")
    static let italy = TeamName("ea-NGI_IT-INFN-T1")!
    static let germany = TeamName("ea-NGI_DE-FZK-LCG2")!
    static let portugal = TeamName("ea-IBERGRID-LIP-Lisbon")!
    static let italyMember = EmailAddress("paolo.veronesi@cnaf.example.org")
    static let germanyMember = EmailAddress("pavel.weber@kit.example.org")
    static let portugalMember = EmailAddress("goncalo.borges@lip.example.org")
    /// A team of the stack that ``Scenario/assigned(workflow:)`` does not assign: it can volunteer.
    static let france = TeamName("ea-NGI_FRANCE-IN2P3-CC")!
    static let franceMember = EmailAddress("fabio.hernandez@cc.in2p3.example.org")
    static let stranger = EmailAddress("someone@elsewhere.example.org")
    static let list = EmailAddress("early-adopters-emi@lists.egi.example.org")

    static let registry = Registry(
        teams: [
            EATeam(name: italy, members: [italyMember, EmailAddress("andrea.chierici@cnaf.example.org")], stacks: ["EMI"]),
            EATeam(name: germany, members: [germanyMember], stacks: ["EMI"]),
            EATeam(name: portugal, members: [portugalMember], stacks: ["EMI"]),
            EATeam(name: france, members: [franceMember], stacks: ["EMI"]),
        ],
        stacks: ["EMI": StackPeople(managers: [manager, otherManager], lists: [list])],
        releaseManagers: [releaseManager])

    static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    /// A wall-clock time in Amsterdam.
    static func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = amsterdam
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    static let component = ComponentRelease(
        stack: "EMI-1.0", component: "SE-DPM_mysql", version: "1.8.0-1", os: "SL5", architecture: "x86_64")
    static let links = ReleaseLinks(
        releaseNotes: "https://wiki.egi.eu/notes", fixedBugs: "https://bugs.example.org/1", documentation: "https://docs.example.org/dpm")

    static func workflow(
        policy: WorkflowPolicy = WorkflowPolicy(calendar: BusinessCalendar(timeZone: amsterdam)),
        routing: NotificationRouting = .defaults
    ) -> Workflow {
        Workflow(context: WorkflowContext(registry: registry, policy: policy, routing: routing))
    }

    /// A release ticket #11 in InVerification.
    static var freshRelease: RolloutCase {
        RolloutCase(release: ReleaseTicket(id: TicketID(11), release: component, links: links, createdAt: at("2026-11-26 09:00")))
    }
}

/// Drives the rules engine through a scenario, keeping the state between events.
struct Scenario {
    var workflow: Workflow
    var state: RolloutCase
    var last: Decision

    init(workflow: Workflow = World.workflow(), state: RolloutCase = World.freshRelease) {
        self.workflow = workflow
        self.state = state
        self.last = Decision(state: state)
    }

    /// A staged release with ticket #12, at Friday 2026-11-27 10:00.
    static func staged(workflow: Workflow = World.workflow()) -> Scenario {
        var scenario = Scenario(workflow: workflow)
        scenario.stage(at: "2026-11-27 10:00")
        return scenario
    }

    /// Staged and assigned to Italy, Germany and Portugal on Friday 2026-11-27 15:00.
    static func assigned(workflow: Workflow = World.workflow()) -> Scenario {
        var scenario = staged(workflow: workflow)
        scenario.mail("assign NGI_IT-INFN-T1 NGI_DE-FZK-LCG2 IBERGRID-LIP-Lisbon", from: World.manager, at: "2026-11-27 15:00")
        return scenario
    }

    @discardableResult
    mutating func stage(at time: String) -> Decision {
        run(.stageRelease(operator: "operator", reservedTicketID: TicketID(12)), at: time)
    }

    @discardableResult
    mutating func mail(
        _ text: String, from sender: EmailAddress, at time: String, queue: Queue = .stagedRollout,
        authentication: AuthenticationLevel = .weak, attachments: [AttachmentFacts] = []
    ) -> Decision {
        let event = MessageEvent(
            queue: queue, sender: Sender(address: sender, authentication: authentication),
            cause: .message(id: "<\(time)-\(sender)@mail>"), text: text, attachments: attachments,
            reservedTicketID: TicketID(12))
        return run(.message(event), at: time)
    }

    @discardableResult
    mutating func fire(_ kind: TimerKind, team: TeamName? = nil, at time: String) -> Decision {
        run(.timerFired(TimerKey(ticket: TicketID(12), kind: kind, team: team)), at: time)
    }

    @discardableResult
    mutating func run(_ event: WorkflowEvent, at time: String) -> Decision {
        last = workflow.decide(state, event, now: World.at(time))
        state = last.state
        return last
    }

    var rollout: StagedRolloutTicket { state.rollout! }

    func assignment(_ team: TeamName) -> TeamAssignment? { rollout.assignment(of: team) }
}

extension Decision {
    /// Kinds of the notifications, in order.
    var kinds: [NotificationKind] { notifications.map(\.kind) }

    func recipients(of kind: NotificationKind, template: String? = nil) -> Set<EmailAddress> {
        Set(notifications.filter { $0.kind == kind && (template == nil || $0.template == template) }.flatMap(\.recipients))
    }

    var statuses: [CommandResult.Status] { results.map(\.status) }

    func scheduled(_ kind: TimerKind, team: TeamName? = nil) -> Date? {
        for change in timers.reversed() {
            if case .schedule(let key, let at) = change, key.kind == kind, key.team == team { return at }
        }
        return nil
    }
}

/// A minimal OpenDocument container: a ZIP whose first member is the stored `mimetype`.
let openDocumentHead: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 26) + Array("mimetypeapplication/vnd.oasis.opendocument.text".utf8)
