import Foundation
import Testing
import WebView

@Suite("Web templates: an override that includes itself is refused when loaded")
struct WebTemplateInclusionTests {
    private static func load(footer: String) throws -> WebTemplates {
        let folder = NSTemporaryDirectory() + "rg-web-templates-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/web", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(footer.utf8).write(to: URL(fileURLWithPath: "\(folder)/web/footer.mustache"))
        return try WebTemplates(overridesIn: folder)
    }

    @Test("a footer that includes the rollouts page, which includes the footer: refused; a footer without inclusions: served")
    func loop() throws {
        #expect {
            _ = try Self.load(footer: "<footer>{{> rollouts}}</footer>")
        } throws: { error in
            "\(error)".contains("includes itself (footer → rollouts → footer)")
        }
        let templates = try Self.load(footer: "<footer>ours</footer>")
        #expect(templates.render(.footer, [:]) == "<footer>ours</footer>")
    }
}
