import Foundation
import Mustache
import RolloutGateway

/// The web view's pages: the shipped `.mustache` files and stylesheet of `Sources/WebView/Templates/`, each
/// overridable by a file of the same name in the `web/` folder of the operator's templates folder (`templates:`,
/// the folder that overrides the mail templates). Rendered as HTML: `{{ }}` escapes `<`, `>`, `&`, `"` and `'`;
/// the shipped pages never use `{{{ }}}`.
public struct WebTemplates: Sendable {
    private let library: MustacheLibrary
    /// The stylesheet served at `/style.css`.
    public let stylesheet: String

    /// The pages, by name.
    public enum Page: String, CaseIterable, Sendable {
        case rollouts, ticket, message, header, footer
    }

    /// The folder under the templates folder that holds the web view's overrides.
    public static let folder = "web"

    public init(overridesIn templatesDirectory: String? = nil) throws {
        var sources = Dictionary(uniqueKeysWithValues: Page.allCases.map { ($0.rawValue, Self.shipped($0)) })
        var stylesheet = String(decoding: PackageResources.style_css, as: UTF8.self)
        if let templatesDirectory {
            let directory = (templatesDirectory as NSString).appendingPathComponent(Self.folder)
            for page in Page.allCases {
                let path = (directory as NSString).appendingPathComponent(page.rawValue + ".mustache")
                if let text = try Self.read(path) { sources[page.rawValue] = text }
            }
            if let text = try Self.read((directory as NSString).appendingPathComponent("style.css")) { stylesheet = text }
        }
        if let problem = TemplateInclusions.problem(in: sources) {
            throw WebTemplateError(description: "web \(problem)")
        }
        var library = MustacheLibrary()
        for (name, source) in sources {
            do {
                try library.register(source, named: name)
            } catch {
                throw WebTemplateError(description: "web template \(name): is not valid Mustache (\(error))")
            }
        }
        self.library = library
        self.stylesheet = stylesheet
    }

    /// Renders a page; a page that renders to nothing is an error of the operator's template.
    public func render(_ page: Page, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: page.rawValue) ?? "web template \(page.rawValue) could not be rendered"
    }

    static func shipped(_ page: Page) -> String {
        let bytes: [UInt8] =
            switch page {
            case .rollouts: PackageResources.rollouts_mustache
            case .ticket: PackageResources.ticket_mustache
            case .message: PackageResources.message_mustache
            case .header: PackageResources.header_mustache
            case .footer: PackageResources.footer_mustache
            }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A file's text, nil when there is none; an error when it is there but cannot be read.
    private static func read(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw WebTemplateError(description: "web template \(path): cannot be read as UTF-8 text")
        }
        return text
    }
}
