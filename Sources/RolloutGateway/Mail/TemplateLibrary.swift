import Foundation
import Mustache
import RolloutCore

/// The notification templates: the shipped defaults, overridden by an operator's folder.
public struct TemplateLibrary: Sendable {
    private let library: MustacheLibrary
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
                // A file saved with CRLF line ends reads as one written with LF: its first line is still the subject.
                sources[String(file.dropLast(".mustache".count))] = text.replacingOccurrences(of: "\r\n", with: "\n")
            }
        }
        if let problem = TemplateInclusions.problem(in: sources) {
            throw TemplateError(template: problem.template, problem: problem.problem)
        }
        var library = MustacheLibrary()
        for (name, source) in sources {
            guard name == Self.footer || source.hasPrefix("Subject:") else {
                throw TemplateError(template: name, problem: "must start with a 'Subject:' line, then a blank line, then the body")
            }
            do {
                try library.register("{{% CONTENT_TYPE: TEXT}}" + source, named: name)
            } catch {
                throw TemplateError(template: name, problem: "is not valid Mustache (\(error))")
            }
        }
        self.library = library
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

    /// Throws unless a template of this name exists: the only reason ``render(_:_:)`` fails.
    public func check(_ name: String) throws {
        guard names.contains(name) else {
            throw TemplateError(template: name, problem: "does not exist; expected one of \(names.sorted().joined(separator: ", "))")
        }
    }

    /// Renders a template into a subject and a body, the footer appended.
    public func render(_ name: String, _ values: [String: String]) throws -> (subject: String, body: String) {
        try check(name)
        guard let rendered = library.render(values, withTemplate: name) else {
            throw TemplateError(template: name, problem: "could not be rendered")
        }
        // The first line is the subject; the body starts at the first line with something on it. Lines are found by
        // byte: splitting the whole text into lines and joining them again was an eighth of rendering a notice.
        let bytes = rendered.utf8
        let lineFeed = UInt8(ascii: "\n")
        func lineEnd(from start: String.Index) -> String.Index { bytes[start...].firstIndex(of: lineFeed) ?? bytes.endIndex }
        let subjectEnd = lineEnd(from: bytes.startIndex)
        let subject = rendered[..<subjectEnd].dropFirst("Subject:".count).trimmingWhitespace()
        var bodyStart = subjectEnd == bytes.endIndex ? subjectEnd : bytes.index(after: subjectEnd)
        while bodyStart < bytes.endIndex {
            let end = lineEnd(from: bodyStart)
            guard rendered[bodyStart..<end].trimmingWhitespace().isEmpty else { break }
            bodyStart = end == bytes.endIndex ? end : bytes.index(after: end)
        }
        var text = String(rendered[bodyStart...])
        while text.hasSuffix("\n") { text.removeLast() }
        let footer = library.render(values, withTemplate: Self.footer) ?? ""
        return (subject, footer.isEmpty ? text + "\n" : text + "\n\n-- \n" + footer + "\n")
    }
}
