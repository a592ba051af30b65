import Foundation
import RolloutCore

/// What a set of Mustache templates includes of each other — `{{> name}}` (a partial) and `{{< name}}` (a parent) —
/// checked when the templates are loaded, before anything is rendered with them.
///
/// Rendering follows an inclusion each time it meets one, and the values templates are given are flat (text, or rows
/// of text), so an inclusion that leads back to its own template never ends: the process runs out of stack and dies
/// in the middle of a `tick` or an ingest. Such a set is refused at loading with the loop spelt out. So are the two
/// forms a static reading cannot follow: a dynamic name (`{{>*name}}`, where a value picks the template — ticket text,
/// perhaps a stranger's) and a change of the tag delimiters (`{{=<% %>=}}`, after which `{{` is text).
public enum TemplateInclusions {
    /// A problem with one template.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var template: String
        public var problem: String
        public var description: String { "template \(template): \(problem)" }
    }

    /// The first problem of `sources` (template text by name), or nil.
    public static func problem(in sources: [String: String]) -> Problem? {
        var inclusions: [String: [String]] = [:]
        for name in sources.keys.sorted() {
            switch Self.inclusions(in: sources[name]!) {
            case .unreadable(let problem): return Problem(template: name, problem: problem)
            case .names(let names): inclusions[name] = names.filter { sources[$0] != nil }
            }
        }
        // Depth-first from each template; a template met again while it is still on the path closes a loop.
        var finished = Set<String>()
        for start in inclusions.keys.sorted() where !finished.contains(start) {
            var path: [String] = []
            var onPath = Set<String>()
            if let loop = firstLoop(from: start, inclusions, &path, &onPath, &finished) {
                return Problem(
                    template: loop[0],
                    problem: "includes itself (\(loop.joined(separator: " → "))), which would recurse without end when rendered")
            }
        }
        return nil
    }

    private static func firstLoop(
        from name: String, _ inclusions: [String: [String]], _ path: inout [String], _ onPath: inout Set<String>,
        _ finished: inout Set<String>
    ) -> [String]? {
        path.append(name)
        onPath.insert(name)
        for next in inclusions[name] ?? [] {
            if onPath.contains(next) {
                return Array(path[path.firstIndex(of: next)!...]) + [next]
            }
            if !finished.contains(next), let loop = firstLoop(from: next, inclusions, &path, &onPath, &finished) {
                return loop
            }
        }
        path.removeLast()
        onPath.remove(name)
        finished.insert(name)
        return nil
    }

    /// What one template includes, as far as a static reading can tell.
    enum Reading {
        /// The names it includes, in order.
        case names([String])
        /// Why it cannot be read statically.
        case unreadable(String)
    }

    static func inclusions(in source: String) -> Reading {
        var names: [String] = []
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            let triple = rest[open.upperBound...].hasPrefix("{")
            let body = rest[(triple ? rest.index(after: open.upperBound) : open.upperBound)...]
            guard let close = body.range(of: triple ? "}}}" : "}}") else { break }  // an unclosed tag: Mustache says so
            let content = body[..<close.lowerBound].drop { $0 == " " || $0 == "\t" }
            switch content.first {
            case "=":
                return .unreadable("changes the tag delimiters ({{=…=}}); write every tag with {{ }}")
            case ">", "<":
                let name = content.dropFirst().trimmingWhitespaceAndNewlines()
                if name.hasPrefix("*") {
                    return .unreadable("names a template by a value ({{\(content.first!)*…}}); name included templates as written")
                }
                names.append(name)
            default: break
            }
            rest = body[close.upperBound...]
        }
        return .names(names)
    }
}
