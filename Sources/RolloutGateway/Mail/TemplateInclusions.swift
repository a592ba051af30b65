import Foundation
import RolloutCore

/// What a set of Mustache templates includes of each other — `{{> name}}`, a partial — checked when the templates
/// are loaded, before anything is rendered with them.
///
/// Rendering follows an inclusion each time it meets one, and the values templates are given are flat (text, or rows
/// of text), so an inclusion that leads back to its own template never ends: the process runs out of stack and dies
/// in the middle of a `tick` or an ingest. Such a set is refused at loading with the loop spelt out. So are the forms
/// a static reading cannot follow: a dynamic name (`{{>*name}}`, where a value picks the template — ticket text,
/// perhaps a stranger's), a change of the tag delimiters (`{{=<% %>=}}`, after which `{{` is text), and template
/// inheritance (`{{<parent}}{{$block}}…`, whose overrides are carried into the parent's own inclusions and can
/// recurse without a loop among the names).
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

    /// Reads every `{{` on its own — also one inside a comment or followed by a line break, which Mustache may read
    /// as text: the names found are a superset of what Mustache includes, so a loop is never missed (a template that
    /// only mentions itself in a comment is refused too). Braces, white space and marks after `{{` are skipped
    /// (Mustache reads the sigil at once: skipping more finds more); after `>`, ASCII white space, and a name is
    /// read in ASCII.
    static func inclusions(in source: String) -> Reading {
        var names: [String] = []
        let scalars = Array(source.unicodeScalars)
        func skippable(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return scalar.properties.isWhitespace
            }
        }
        var index = 0
        while index + 1 < scalars.count {
            guard scalars[index] == "{", scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            var cursor = index + 2
            while cursor < scalars.count, scalars[cursor] == "{" || skippable(scalars[cursor]) { cursor += 1 }
            // Every `{{` up to the cursor reaches the same place: reading each of them again would be quadratic in a
            // run of braces.
            index = cursor
            guard cursor < scalars.count else { break }
            switch scalars[cursor] {
            case "=":
                return .unreadable("changes the tag delimiters ({{=…=}}); write every tag with {{ }}")
            case "<", "$":
                return .unreadable("uses template inheritance ({{< }}, {{$ }}), which the gateway does not read; include templates with {{> name}}")
            case ">":
                cursor += 1
                while cursor < scalars.count, scalars[cursor].isASCII, skippable(scalars[cursor]) { cursor += 1 }
                if cursor < scalars.count, scalars[cursor] == "*" {
                    return .unreadable("names a template by a value ({{>*…}}); name included templates as written")
                }
                var name = String.UnicodeScalarView()
                while cursor < scalars.count, scalars[cursor].isASCII, partialNameCharacters.contains(Character(scalars[cursor])) {
                    name.append(scalars[cursor])
                    cursor += 1
                }
                // Mustache reads characters, not scalars: a space joined by what follows it (a zero-width joiner, a
                // mark) is still white space to it, and a name character may be written another way (the Kelvin sign
                // is a `K`). Names are ASCII: any other scalar next to one is refused rather than guessed at.
                if cursor < scalars.count, !scalars[cursor].isASCII {
                    return .unreadable("has a character beyond ASCII in or beside an included template's name ({{> name}}); write names in ASCII")
                }
                names.append(String(name))
                index = cursor
            default: break
            }
        }
        return .names(names)
    }

    /// The characters swift-mustache reads in a partial's name.
    private static let partialNameCharacters = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")
}
