import Foundation
@testable import RolloutGateway
import Testing
import Yams

/// A team written plainly is read without the decoder (`ConfigurationFile.Team(plain:)`); it must read exactly what
/// the decoder reads, and leave to the decoder every team it cannot read the same way.
@Suite("Configuration: teams read without the decoder")
struct PlainTeamTests {
    func node(_ yaml: String) throws -> Node {
        try #require(try Yams.compose(yaml: yaml, GatewayConfiguration.resolver(for: yaml)))
    }

    @Test(
        "a plainly written team reads as the decoder reads it",
        arguments: [
            "members: [a@x.example.org, b@x.example.org]\nstacks: [EMI, UMD]",
            "members:\n  - a@x.example.org\n  - 'b@x.example.org'\n  - \"c@x.example.org\"\n",
            "members: []",
            "members:\nstacks: ~",
            "stacks: [EMI]",
            "members: [yes, 12, 1.5, 2026-12-06, 'null', \"~\", true]",
            "members: [\"\", '']\nstacks: null",
            "{}",
            "!!str members: !!seq [!!str a@x.example.org]\n",
        ])
    func sameAsDecoder(yaml: String) throws {
        let node = try node(yaml)
        let plain = try #require(ConfigurationFile.Team(plain: node))
        let decoded = try YAMLDecoder().decode(ConfigurationFile.Team.self, from: node)
        #expect(plain.members == decoded.members)
        #expect(plain.stacks == decoded.stacks)
    }

    @Test(
        "a team written any other way is left to the decoder",
        arguments: [
            "memberz: [a@x.example.org]",
            "members: a@x.example.org",
            "members: [[a@x.example.org]]",
            "members: [~]",
            "members: [{a: b}]",
            "members: !!set {a@x.example.org}",
            "members: [!!binary aGk=]",
            "- members",
            "12",
        ])
    func leftToDecoder(yaml: String) throws {
        #expect(ConfigurationFile.Team(plain: try node(yaml)) == nil)
    }

    static let demoConfiguration = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/demo/gateway.yaml")

    @Test(
        "a file without << is tagged alike with the merge rule and without it",
        arguments: [
            "a: yes\nb: [1.5, ~, 2026-12-06, '<', \"<\\x3C\"]\nc: !!str x\nd: <\n  <\n", "teams:\n  ea-A-B: {members: [a@x.example.org]}\n",
        ])
    func withoutMergeKeys(yaml: String) throws {
        #expect(GatewayConfiguration.resolver(for: yaml) === Resolver.basic)
        let basic = try Yams.compose(yaml: yaml, Resolver.basic)
        let merging = try Yams.compose(yaml: yaml, GatewayConfiguration.mergeKeysResolver)
        #expect(basic != nil && basic == merging)
    }

    @Test("the demo configuration is tagged alike with the merge rule and without it")
    func demoWithoutMergeKeys() throws {
        let yaml = try String(contentsOf: Self.demoConfiguration, encoding: .utf8)
        #expect(GatewayConfiguration.resolver(for: yaml) === Resolver.basic)
        #expect(try Yams.compose(yaml: yaml, Resolver.basic) == Yams.compose(yaml: yaml, GatewayConfiguration.mergeKeysResolver))
    }

    @Test("a file with a merge key gets the merge rule, and the team reads the merged keys")
    func mergeKey() throws {
        let yaml = "base: &base {stacks: [EMI]}\nteam:\n  <<: *base\n  members: [a@x.example.org]\n"
        let node = try node(yaml)
        let team = try YAMLDecoder().decode(ConfigurationFile.Team.self, from: try #require(node["team"]))
        #expect(team.stacks == ["EMI"])
        #expect(team.members == ["a@x.example.org"])
    }
}
