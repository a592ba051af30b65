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

    @Test("blank lines, odd spacing and line breaks: plain or not, a template renders as Mustache renders it")
    func whiteSpace() throws {
        // (body after the subject line, whether it is plain)
        let cases: [(String, Bool)] = [
            ("\n{{a}}", true), ("  \n{{a}}", true), (" \t\n{{a}}\n", true), (" {{a}} \n", true), ("\n\n{{a}}", true),
            (" x\n{{a}}", true), ("\nHello {{a}}\n", true), ("\nHello {{a}}\n  ", false), ("\nHello {{a}}\n\t", false),
            ("  ", false), ("\u{0C}\nBody {{a}}", false), ("\n\u{2028}{{a}}", false), ("\nA\u{0B}B {{a}}", false),
            ("\n\u{85}{{a}}", false),
        ]
        for (body, plain) in cases {
            // The same text as a notice's body and as the footer, both overridden in one folder.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try Data(("Subject: x {{a}}\n" + body).utf8).write(to: directory.appendingPathComponent("custom.mustache"))
            try Data(body.utf8).write(to: directory.appendingPathComponent("footer.mustache"))
            let library = try TemplateLibrary(overridesIn: directory.path)
            for name in ["custom", "footer"] {
                #expect(library.isPlain(name) == plain, "\(name): \(body.debugDescription)")
                #expect(library.rendering(name, ["a": "A"]) == library.rendering(name, ["a": "A"], mustacheOnly: true), "\(name): \(body.debugDescription)")
            }
            // The whole notice: subject, body and footer.
            let plainNotice = try library.render("custom", ["a": "A"], mustacheOnly: false)
            let mustacheNotice = try library.render("custom", ["a": "A"], mustacheOnly: true)
            #expect(plainNotice.subject == mustacheNotice.subject && plainNotice.body == mustacheNotice.body, "\(body.debugDescription)")
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
        #expect(PlainTemplate("\nbody")?.render([:]) == "\nbody")
    }
}
