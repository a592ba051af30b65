import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Configuration file")
struct ConfigurationTests {
    @Test("the demo configuration loads")
    func demo() throws {
        let configuration = try GatewayConfiguration.load(from: "\(fixtures)/demo/gateway.yaml")
        let registry = configuration.workflow.registry
        #expect(registry.teams.count == 13)
        #expect(registry.isManager(EmailAddress("Mario.David@lip.example.org"), ofStack: "EMI-1.0"))
        #expect(registry.people(ofStack: "CA").lists == [EmailAddress("early-adopters-ca@lists.egi.example.org")])
        #expect(configuration.workflow.policy.calendar.holidays.contains(CalendarDay("2026-12-25")!))
        #expect(configuration.storePath.hasSuffix("/demo-out/gateway.sqlite"))
        #expect(configuration.hooks[.stageRollOut]?.first?.hasSuffix("fixtures/demo/hooks/move-packages.sh") == true)
    }

    /// Parses `text` and returns the error it must raise.
    func failure(_ text: String) -> ConfigurationError? {
        do {
            _ = try GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml")
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
    }

    let valid = testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox")

    @Test("the valid base text parses")
    func base() throws {
        _ = try GatewayConfiguration.parse(valid, file: "/etc/rollout-gateway/gateway.yaml")
    }

    @Test("a hook's program is a path: a bare name would run from whatever folder the gateway started in")
    func hookProgramIsAPath() throws {
        let bare = try #require(failure(testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox", hook: "sr-move")))
        #expect(bare.key == "hooks.stage_rollout.0")
        #expect(bare.problem.contains("not a path"))
        let absolute = try GatewayConfiguration.parse(
            testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox", hook: "/usr/local/bin/sr-move"), file: "/etc/rollout-gateway/gateway.yaml")
        #expect(absolute.hooks[.production] == ["/usr/local/bin/sr-move"])
        let relative = try GatewayConfiguration.parse(
            testConfigurationText(store: "/tmp/x.sqlite", outbox: "/tmp/outbox", hook: "./sr-move"), file: "/etc/rollout-gateway/gateway.yaml")
        #expect(relative.hooks[.production] == ["/etc/rollout-gateway/sr-move"])
    }

    @Test("broken YAML is reported with its line")
    func brokenYAML() throws {
        let text = valid.replacingOccurrences(of: "lists: [early-adopters-emi@lists.egi.example.org]", with: "lists: [early-adopters-emi@lists.egi.example.org")
        let error = try #require(failure(text))
        #expect(error.file == "/etc/rollout-gateway/gateway.yaml")
        #expect(error.line != nil)
        #expect(error.problem.contains("not valid YAML"))
    }

    @Test("an unknown key is reported with its path and line, and the keys expected")
    func unknownKey() throws {
        let text = valid.replacingOccurrences(of: "    lists: [early", with: "    listz: [early")
        let error = try #require(failure(text))
        #expect(error.key == "stacks.EMI.listz")
        #expect(error.line == 14)
        #expect(error.problem.contains("expected one of lists, managers"))
        #expect(error.description.hasPrefix("/etc/rollout-gateway/gateway.yaml:14: stacks.EMI.listz: unknown key"))
    }

    @Test(
        "bad values name their key and line",
        arguments: [
            ("time_zone: Europe/Amsterdam", "time_zone: Europe/Amsterdm", "calendar.time_zone", 9),
            ("  ea-NGI_IT-INFN-T1:", "  NGI_IT-INFN-T1:", "teams.NGI_IT-INFN-T1", 16),
            ("members: [pavel.weber@kit.example.org]", "members: [pavel.weber]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"pavel weber@kit.example.org\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"pavel.weber@kit.example.org\\t\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"<pavel.weber@kit.example.org>\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"pavel\\u00A0weber@kit.example.org\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"pavel.weber@kit.example.org\\u2028\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("members: [pavel.weber@kit.example.org]", "members: [\"pävel\\u0001@kit.example.org\"]", "teams.ea-NGI_DE-FZK-LCG2.members.0", 20),
            ("address: staged-rollout@rollout.example.org", "address: 'staged-rollout@rollout.example.org\\r\\nBcc: x@y'", "gateway.address", 2),
            ("    stacks: [EMI]\n  ea-NGI_DE", "    stacks: [EMO]\n  ea-NGI_DE", "teams.ea-NGI_IT-INFN-T1.stacks", 18),
        ])
    func badValues(original: String, replacement: String, key: String, line: Int) throws {
        let error = try #require(failure(valid.replacingOccurrences(of: original, with: replacement)))
        #expect(error.key == key)
        #expect(error.line == line)
    }

    @Test(
        "a team's own keys and types are checked where they stand, though teams are read one at a time",
        arguments: [
            ("    members: [paolo.veronesi@cnaf.example.org]", "    memberz: [paolo.veronesi@cnaf.example.org]", "teams.ea-NGI_IT-INFN-T1.memberz", 17),
            ("    members: [pavel.weber@kit.example.org]", "    members: pavel.weber@kit.example.org", "teams.ea-NGI_DE-FZK-LCG2.members", 20),
            ("  ea-NGI_IT-INFN-T1:\n    members: [paolo.veronesi@cnaf.example.org]\n    stacks: [EMI]\n", "  ea-NGI_IT-INFN-T1: 12\n", "teams.ea-NGI_IT-INFN-T1", 16),
        ])
    func teamDecodingErrors(original: String, replacement: String, key: String, line: Int) throws {
        let text = valid.replacingOccurrences(of: original, with: replacement)
        #expect(text != valid)
        let error = try #require(failure(text))
        #expect(error.key == key)
        #expect(error.line == line)
    }

    @Test("an address with letters beyond ASCII is an address")
    func addressBeyondASCII() throws {
        let text = valid.replacingOccurrences(of: "members: [pavel.weber@kit.example.org]", with: "members: [jürgen.weiß@kit.example.org]")
        let registry = try GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml").workflow.registry
        #expect(registry.teams(of: EmailAddress("jürgen.weiß@kit.example.org")).map(\.description) == ["ea-NGI_DE-FZK-LCG2"])
    }

    @Test("teams read one at a time are the teams of the file: every name with its members and stacks")
    func teamsReadOneAtATime() throws {
        let many = (1...300).map { "  ea-BENCH-\($0):\n    members: [member\($0)@bench.example.org]\n    stacks: [EMI]\n" }.joined()
        let text = valid.replacingOccurrences(of: "teams:\n", with: "teams:\n" + many)
        let registry = try GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml").workflow.registry
        #expect(registry.teams.count == 302)
        #expect(registry.teams(of: EmailAddress("member1@bench.example.org")).map(\.description) == ["ea-BENCH-1"])
        #expect(registry.teams(of: EmailAddress("member300@bench.example.org")).map(\.description) == ["ea-BENCH-300"])
        #expect(registry.teams(of: EmailAddress("member7@bench.example.org")).map(\.description) == ["ea-BENCH-7"])
    }

    @Test("a missing section and a wrong type are reported")
    func missingAndMistyped() throws {
        let missing = try #require(failure(valid.replacingOccurrences(of: "release_managers: [release-manager@egi.example.org]\n", with: "")))
        #expect(missing.problem.contains("release_managers"))
        let mistyped = try #require(failure(valid + "\nworkflow:\n  escalation_limit: three\n"))
        #expect(mistyped.key == "workflow.escalation_limit")
        #expect(mistyped.problem.contains("whole number"))
    }

    @Test("notification rules are checked: events and recipients")
    func rules() throws {
        let badEvent = try #require(failure(valid + "\nnotifications:\n  - when: team-exploded\n    to: [managers]\n"))
        #expect(badEvent.key == "notifications.0.when")
        #expect(badEvent.problem.contains("team-accepted"))
        let badRole = try #require(failure(valid + "\nnotifications:\n  - when: team-accepted\n    to: [everyone]\n"))
        #expect(badRole.key == "notifications.0.to.0")
    }

    @Test("a routing change in the configuration changes the routing table")
    func routingOverride() throws {
        let configuration = try GatewayConfiguration.parse(
            valid + "\nnotifications:\n  - when: no-answer\n    to: [managers, ops@egi.example.org]\n", file: "/x/gateway.yaml")
        #expect(configuration.workflow.routing.rules(for: .noAnswer).first?.recipients == [.managers, .address(EmailAddress("ops@egi.example.org"))])
    }

    @Test("inbound.dkim_alignment: strict by default, relaxed when asked, anything else an error naming key and line")
    func dkimAlignment() throws {
        #expect(try GatewayConfiguration.parse(valid, file: "/x/gateway.yaml").dkimAlignment == .strict)
        let relaxed = try GatewayConfiguration.parse(valid + "\ninbound:\n  dkim_alignment: relaxed\n", file: "/x/gateway.yaml")
        #expect(relaxed.dkimAlignment == .relaxed)
        let text = valid + "\ninbound:\n  dkim_alignment: loose\n"
        let error = try #require(failure(text))
        #expect(error.key == "inbound.dkim_alignment")
        #expect(error.line == text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("dkim_alignment") }.map { $0 + 1 })
        #expect(error.problem.contains("expected strict or relaxed"))
    }

    @Test("an address is accepted by the byte check exactly when the split into characters accepted it")
    func addressCheck() {
        // The check as it was before 2026-12-07, character by character.
        func acceptedBefore(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
                && !text.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "<" || $0 == ">" || $0.asciiValue.map { $0 < 32 } == true })
        }
        let pieces = ["a", "@", ".", "b", "<", "é", " ", "\u{301}", "\"", "+"]
        var candidates: [String] = []
        for a in pieces { for b in pieces { for c in pieces { candidates.append(a + b + c) } } }
        candidates += ["a@b.c", "@b.c", "a@", "a@b", "a@@b.c", "a@b@c.d", "a.b@c", "a@.", "a b@c.d", "a@b.c\u{301}", "é@b.c"]
        for address in candidates {
            let yaml = address.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            let text = valid.replacingOccurrences(
                of: "address: staged-rollout@rollout.example.org", with: "address: \"\(yaml)\"")
            let accepted = (try? GatewayConfiguration.parse(text, file: "/etc/rollout-gateway/gateway.yaml")) != nil
            #expect(accepted == acceptedBefore(address), "\(address.unicodeScalars.map(\.value))")
        }
    }
}
