import Foundation
import RolloutCore
import RolloutGateway
import Testing

@Suite("Templates: a rendered text read as its subject and its body")
struct TemplateLibraryTests {
    /// What the library returned when it split the whole text into lines and joined them again (before 2026-12-07).
    private static func byLines(_ rendered: String, footer: String) -> (subject: String, body: String) {
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        let subject = lines.first.map { $0.dropFirst("Subject:".count).trimmingWhitespace() } ?? ""
        var text = lines.dropFirst().drop(while: { $0.trimmingWhitespace().isEmpty }).joined(separator: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        return (subject, footer.isEmpty ? text + "\n" : text + "\n\n-- \n" + footer + "\n")
    }

    @Test(
        "the subject is the first line and the body starts at the first line with something on it",
        arguments: [
            "Subject: only", "Subject: one\n", "Subject:  spaced \t\n\n\n  \n\tbody\n\n", "Subject: a\nbody at once",
            "Subject: é\n\u{3000}\n\u{A0}\nbody after blanks of other kinds\nmore\n\n\n", "Subject: a\n\n indented body",
            "Subject: a\n\n\n", "Subject:\n\nno subject", "Subject: x\n\nbody\n\n\nwith gaps\n \n",
        ])
    func subjectAndBody(text: String) throws {
        let folder = NSTemporaryDirectory() + "rg-template-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/team-assigned.mustache"))
        for footer in ["", "the footer"] {
            try Data(footer.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(TemplateLibrary.footer).mustache"))
            let rendered = try TemplateLibrary(overridesIn: folder).render("team-assigned", [:])
            let expected = Self.byLines(text, footer: footer)
            #expect(rendered.subject == expected.subject)
            #expect(rendered.body == expected.body)
        }
    }

    @Test("a value with line breaks on the subject line stays in the subject: nothing of it reaches the body")
    func subjectValueLineBreaks() throws {
        let library = try Self.load(["report-received": "Subject: Received: {{file_name}}\n\nThe gateway received your report."])
        for name in ["a\r\nSigned by the gateway: all reports are in", "a\nSigned by the gateway", "a\u{2028}Signed\u{85}by"] {
            let rendered = try library.render("report-received", ["file_name": name])
            #expect(rendered.subject.hasPrefix("Received: a ") && !rendered.subject.contains(where: \.isNewline))
            #expect(rendered.body.hasPrefix("The gateway received your report.\n"))
            #expect(!rendered.body.contains("Signed"))
        }
    }

    @Test("a run of a million braces is read in linear time")
    func braces() throws {
        let clock = ContinuousClock()
        // (Mustache itself refuses both files at once; the check runs before it and must not take quadratic time.)
        let elapsed = clock.measure {
            _ = try? Self.load(["footer": String(repeating: "{", count: 1_000_000) + "x"])
            _ = try? Self.load(["team-assigned": "Subject: s\n\n" + String(repeating: "{{ ", count: 300_000)])
        }
        #expect(elapsed < .seconds(20), "\(elapsed)")
    }

    @Test("a template file saved with CRLF or CR line ends (or CRLF twice over) reads as the same file with LF")
    func crlfFile() throws {
        let folder = NSTemporaryDirectory() + "rg-template-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("Subject: Assigned {{ticket}}\r\r\n\r\nYou are assigned.\rThanks\r\n".utf8)
            .write(to: URL(fileURLWithPath: "\(folder)/team-assigned.mustache"))
        let rendered = try TemplateLibrary(overridesIn: folder).render("team-assigned", ["ticket": "#7"])
        #expect(rendered.subject == "Assigned #7")
        #expect(rendered.body.hasPrefix("You are assigned.\nThanks\n"))
        #expect(!rendered.body.contains("\r"))
    }

    /// Loads the shipped templates with `files` (name → text) over them.
    private static func load(_ files: [String: String]) throws -> TemplateLibrary {
        let folder = NSTemporaryDirectory() + "rg-template-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name).mustache"))
        }
        return try TemplateLibrary(overridesIn: folder)
    }

    @Test(
        "a template that includes itself, directly or through others, is refused when loaded, with the loop named",
        arguments: [
            (["footer": "Thanks\n{{> footer}}"], "footer → footer"),
            (["footer": "{{#ticket}}{{>  footer }}{{/ticket}}"], "footer → footer"),
            (["footer": "{{> team-assigned}}", "team-assigned": "Subject: x\n\n{{> footer}}"], "footer → team-assigned → footer"),
            // A `{{` Mustache reads as text, before a line break, hides nothing after it.
            (["footer": "Thanks {{\n{{> footer}}"], "footer → footer"),
            (["footer": "{{>\tfooter\n}}"], "footer → footer"),
        ])
    func inclusionLoops(files: [String: String], loop: String) {
        #expect {
            _ = try Self.load(files)
        } throws: { error in
            "\(error)".contains("includes itself (\(loop))")
        }
    }

    @Test(
        "an inclusion a static reading cannot follow is refused: a name given by a value, changed delimiters",
        arguments: [
            "{{>*which}}", "{{> \u{301}*which}}", "{{=<% %>=}}<%> footer%>", "{{\n{{=<% %>=}}",
            // Beyond ASCII beside a name: Mustache reads a space with a mark or a joiner after it as white space, and
            // the Kelvin sign as a K.
            "{{> \u{301}footer}}", "{{> \u{200C}footer}}", "{{>\u{A0}footer}}", "{{> \u{200C}*which}}", "{{>\u{212A}x}}",
            // Inheritance: overrides carried into the parent's own inclusions recurse with no loop among the names.
            "{{<team-assigned}}{{$x}}{{>team-assigned}}{{/x}}{{/team-assigned}}", "{{$x}}{{/x}}",
        ])
    func unfollowable(footer: String) {
        #expect(throws: TemplateLibrary.TemplateError.self) { _ = try Self.load(["footer": footer]) }
    }

    @Test("inclusions without a loop load and render; comments and triple tags are not inclusions")
    func inclusionsWithoutLoop() throws {
        let library = try Self.load([
            "footer": "{{! see > footer }}{{{ticket}}} {{> signature}}", "signature": "Subject: unused\n\nEGI",
            "team-assigned": "Subject: {{ticket}}\n\nAssigned.",
        ])
        let rendered = try library.render("team-assigned", ["ticket": "#7"])
        // A mail template included by another gives its body (its subject line is a template of its own).
        #expect(rendered.body == "Assigned.\n\n-- \n#7 EGI\n")
        _ = try TemplateLibrary()  // the shipped templates
    }
}
