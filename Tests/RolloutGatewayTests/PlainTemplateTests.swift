import Foundation
import Testing

@testable import RolloutGateway

/// Plain templates (``PlainTemplate``) against Mustache, on the same templates and values.
@Suite("Templates of plain variables, rendered without Mustache")
struct PlainTemplateTests {
    /// Every variable name the shipped templates use.
    static let names: [String] = {
        let sources = TemplateLibrary.shipped.values.joined(separator: "\n")
        let regex = try! NSRegularExpression(pattern: "\\{\\{[#^/&{]?\\s*([A-Za-z0-9_.-]+)")
        let range = NSRange(sources.startIndex..., in: sources)
        return Array(Set(regex.matches(in: sources, range: range).map { String(sources[Range($0.range(at: 1), in: sources)!]) })).sorted()
    }()

    /// Values as notices carry them, and some that Mustache would escape in HTML, or that look like tags.
    static let pool = [
        "Staged Rollout EMI-1.0 SE 1.0-1", "NGI_IT-INFN-T1", "", "a & b < c > d \"e\" 'f'", "{{title}}", "}} {{", "line\nbreak\r\n",
        "Grüße — 日本語 🙂", "  spaced  ", "https://example.org/?a=1&b=2", "\\", "#", "{{#x}}{{/x}}",
    ]

    @Test("blank first lines and odd spacing render as Mustache renders them after the pragma")
    func pragmaLine() throws {
        let sources = ["Subject: x\n\n{{a}}", "Subject: x\n  \n{{a}}", "Subject: x\n \t\r\n{{a}}\n", "Subject: x\n {{a}} \n", "Subject: x\n\n\n{{a}}"]
        for source in sources {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try Data(source.utf8).write(to: directory.appendingPathComponent("custom.mustache"))
            let library = try TemplateLibrary(overridesIn: directory.path)
            #expect(library.isPlain("custom"))
            #expect(library.rendering("custom", ["a": "A"]) == library.rendering("custom", ["a": "A"], mustacheOnly: true), "\(source)")
        }
    }

    @Test("every shipped template renders to Mustache's text, plain ones without it")
    func shippedTemplates() throws {
        let library = try TemplateLibrary()
        var plainParts = 0
        for part in library.registeredParts {
            if library.isPlain(part) { plainParts += 1 }
            for trial in 0..<40 {
                // Every fifth name missing, the others a value of the pool, a different one in each trial.
                var values: [String: String] = [:]
                for (index, name) in Self.names.enumerated() where (trial + index) % 5 != 0 {
                    values[name] = Self.pool[(trial * 7 + index * 3) % Self.pool.count]
                }
                #expect(library.rendering(part, values) == library.rendering(part, values, mustacheOnly: true), "\(part)")
            }
        }
        // Most shipped templates are plain; the footer and the notices of a timer among them.
        #expect(plainParts >= 40)
        for part in ["footer", "escalation", "no-answer"] {
            #expect(library.isPlain(part), "\(part)")
        }
    }

    @Test("a template with any tag but a plain variable is left to Mustache")
    func notPlain() {
        for source in [
            "{{#a}}x{{/a}}", "{{^a}}x{{/a}}", "{{>part}}", "{{! note }}", "{{{a}}}", "{{&a}}", "{{a.b}}", "{{.}}", "{{=<% %>=}}",
            "{{a", "a}} {{b}}", "{{a}} }}", "{{}}", "{{ }}",
        ] {
            #expect(PlainTemplate(source) == nil, "\(source)")
        }
        #expect(PlainTemplate("Subject: {{ title }} for {{team}}")?.render(["title": "T", "team": "x"]) == "Subject: T for x")
        #expect(PlainTemplate("{{missing}}!")?.render([:]) == "!")
        #expect(PlainTemplate("no tags")?.render([:]) == "no tags")
        // After the pragma tag, a first line of nothing but blanks goes with it, as Mustache removes a standalone tag.
        #expect(PlainTemplate("\nbody", afterPragma: true)?.render([:]) == "body")
        #expect(PlainTemplate(" \t\r\nbody", afterPragma: true)?.render([:]) == "body")
        #expect(PlainTemplate("  ", afterPragma: true)?.render([:]) == "")
        #expect(PlainTemplate(" x\nbody", afterPragma: true)?.render([:]) == " x\nbody")
        #expect(PlainTemplate("\nbody")?.render([:]) == "\nbody")
    }
}
