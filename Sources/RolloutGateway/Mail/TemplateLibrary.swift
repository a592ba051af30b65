import Foundation
import Mustache
import RolloutCore

/// The notification templates: the shipped defaults, overridden by an operator's folder.
public struct TemplateLibrary: Sendable {
    private let library: MustacheLibrary
    /// The registered templates (subject lines and bodies apart) whose only tags are plain variables, by the name
    /// they are registered under: rendered without Mustache, to the same text (``PlainTemplate``).
    private let plain: [String: PlainTemplate]
    /// Every template name available.
    public let names: Set<String>

    /// A problem with a template file.
    public struct TemplateError: Error, CustomStringConvertible {
        public var template: String
        public var problem: String
        public var description: String { "template \(template): \(problem)" }
    }

    /// Loads the defaults, then every `*.mustache` file of `directory` over them.
    public init(overridesIn directory: String? = nil) throws {
        var sources = Self.shipped
        if let directory {
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                throw TemplateError(template: directory, problem: "the templates folder cannot be read; expected a folder of NAME.mustache files")
            }
            for file in files where file.hasSuffix(".mustache") {
                let path = (directory as NSString).appendingPathComponent(file)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw TemplateError(template: path, problem: "cannot be read as UTF-8 text")
                }
                // A file saved with CRLF or CR line ends reads as one written with LF: its first line is still the
                // subject. (By byte: a CR is one byte of UTF-8, and a CR before CRLF is one more line end.)
                sources[String(file.dropLast(".mustache".count))] = text.replacingBytes("\r\n", with: "\n").replacingBytes("\r", with: "\n")
            }
        }
        if let problem = TemplateInclusions.problem(in: sources) {
            throw TemplateError(template: problem.template, problem: problem.problem)
        }
        var library = MustacheLibrary()
        var plain: [String: PlainTemplate] = [:]
        for (name, source) in sources {
            guard name == Self.footer || source.hasPrefix("Subject:") else {
                throw TemplateError(template: name, problem: "must start with a 'Subject:' line, then a blank line, then the body")
            }
            // The subject line is a template of its own: whatever its values hold, it renders to the subject alone
            // (a value with a line break in it — a file name a stranger chose — cannot carry text into the body).
            let lineEnd = source.firstIndex(of: "\n")
            let parts = name == Self.footer
                ? [(name, source)]
                : [(Self.subjectTemplate(name), String(source[..<(lineEnd ?? source.endIndex)])),
                   (name, lineEnd.map { String(source[source.index(after: $0)...]) } ?? "")]
            for (part, text) in parts {
                do {
                    try library.register("{{% CONTENT_TYPE: TEXT}}" + text, named: part)
                    plain[part] = PlainTemplate(text, afterPragma: true)
                } catch {
                    let hint = part == name ? "" : " on its Subject: line, which is read on its own (a tag opened there must close there)"
                    throw TemplateError(template: name, problem: "is not valid Mustache\(hint) (\(error))")
                }
            }
        }
        self.library = library
        self.plain = plain
        self.names = Set(sources.keys)
    }

    /// The templates that ship with the gateway, the footer included, by name.
    public static var shipped: [String: String] {
        var sources = DefaultTemplates.all
        sources[footer] = DefaultTemplates.footer
        return sources
    }

    /// The name of the template appended to every body.
    public static let footer = TemplateName.footer.rawValue

    /// The text with every line break (LF, CR, CRLF, VT, FF, NEL, U+2028, U+2029) a space.
    static func oneLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x80 }) else { return text }
        return String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Throws unless a template of this name exists: the only reason ``render(_:_:)`` fails.
    public func check(_ name: String) throws {
        guard names.contains(name) else {
            throw TemplateError(template: name, problem: "does not exist; expected one of \(names.sorted().joined(separator: ", "))")
        }
    }

    /// The name the subject line of template `name` is registered under (no file name holds a NUL).
    private static func subjectTemplate(_ name: String) -> String { name + "\u{0}subject" }

    /// Renders a template into a subject and a body, the footer appended.
    public func render(_ name: String, _ values: [String: String]) throws -> (subject: String, body: String) {
        try render(name, values, mustacheOnly: false)
    }

    /// ``render(_:_:)``, every part by Mustache when `mustacheOnly`: the reference plain templates are compared with
    /// (their tests, the `templates` fuzz target).
    public func render(_ name: String, _ values: [String: String], mustacheOnly: Bool) throws -> (subject: String, body: String) {
        try check(name)
        guard let subjectLine = rendering(Self.subjectTemplate(name), values, mustacheOnly: mustacheOnly),
            let rendered = rendering(name, values, mustacheOnly: mustacheOnly)
        else {
            throw TemplateError(template: name, problem: "could not be rendered")
        }
        // A line break a value brought into the subject is a space there.
        let subject = Self.oneLine(subjectLine).dropFirst("Subject:".count).trimmingWhitespace()
        // The body starts at its first line with something on it. Lines are found by byte: splitting the whole text
        // into lines and joining them again was an eighth of rendering a notice.
        let bytes = rendered.utf8
        let lineFeed = UInt8(ascii: "\n")
        func lineEnd(from start: String.Index) -> String.Index { bytes[start...].firstIndex(of: lineFeed) ?? bytes.endIndex }
        var bodyStart = bytes.startIndex
        while bodyStart < bytes.endIndex {
            let end = lineEnd(from: bodyStart)
            guard rendered[bodyStart..<end].trimmingWhitespace().isEmpty else { break }
            bodyStart = end == bytes.endIndex ? end : bytes.index(after: end)
        }
        var text = String(rendered[bodyStart...])
        while text.hasSuffix("\n") { text.removeLast() }
        // The footer follows the signature separator "-- " (RFC 3676 §4.3), after a blank line.
        let footer = rendering(Self.footer, values, mustacheOnly: mustacheOnly) ?? ""
        return (subject, footer.isEmpty ? text + "\n" : text + "\n\n-- \n" + footer + "\n")
    }

    /// One registered template rendered: by putting the values in when it is plain, by Mustache otherwise.
    func rendering(_ part: String, _ values: [String: String], mustacheOnly: Bool = false) -> String? {
        if !mustacheOnly, let template = plain[part] { return template.render(values) }
        return library.render(values, withTemplate: part)
    }

    /// Whether the registered template `part` is rendered without Mustache.
    func isPlain(_ part: String) -> Bool { plain[part] != nil }

    /// The names every template is registered under: its subject line and its body apart, the footer once.
    var registeredParts: [String] {
        names.flatMap { $0 == Self.footer ? [$0] : [Self.subjectTemplate($0), $0] }
    }
}
