import Foundation
import Testing

@Suite("templates export: the shipped templates as files to start an override folder")
struct TemplatesExportTests {
    @Test("every shipped template is written once, byte for byte the file in the source tree; existing ones are kept")
    func export() throws {
        let folder = NSTemporaryDirectory() + "rg-templates-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = CLITests.repository.appendingPathComponent("Sources/RolloutGateway/Templates").path
        let shipped = try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".mustache") }.sorted()
        #expect(shipped.count >= 20)

        let first = try CLITests.run(["templates", "export", folder])
        #expect(first.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == shipped)
        for name in shipped {
            #expect(FileManager.default.contents(atPath: "\(folder)/\(name)") == FileManager.default.contents(atPath: "\(source)/\(name)"), "\(name)")
        }

        // An operator's edit survives a second export unless forced.
        try Data("Subject: mine\n\nmine".utf8).write(to: URL(fileURLWithPath: "\(folder)/team-assigned.mustache"))
        let second = try CLITests.run(["templates", "export", folder])
        #expect(second.stdout.hasPrefix("0 templates written") && second.stdout.contains("team-assigned"))
        #expect(FileManager.default.contents(atPath: "\(folder)/team-assigned.mustache") == Data("Subject: mine\n\nmine".utf8))
        _ = try CLITests.run(["templates", "export", "--force", folder])
        #expect(FileManager.default.contents(atPath: "\(folder)/team-assigned.mustache") == FileManager.default.contents(atPath: "\(source)/team-assigned.mustache"))
    }
}
