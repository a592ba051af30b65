internal import CLibXML2

/// Reads the text of an HTML mail body through libxml2's forgiving HTML parser.
///
/// Block elements end lines, `<br>` breaks a line, `<blockquote>` content is prefixed with `> ` per level
/// so that quoted text stays recognisable as quoted, and `<script>`, `<style>`, `<head>` are skipped.
enum HTMLText {
    /// The text of `html` (UTF-8) and whether elements nested deeper than ``maximumNesting`` were skipped;
    /// `nil` when libxml2 could not build a document at all.
    static func text(fromHTML html: String) -> (text: String, nestingTruncated: Bool)? {
        var source = Array(html.utf8)
        if source.isEmpty { return ("", false) }
        source.append(0)
        let document = source.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(clamping: buffer.count - 1), nil, "UTF-8", CLibXML2_html_mail_options())
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        var writer = Writer()
        var node = document.pointee.children
        while let current = node {
            writer.visit(current)
            node = current.pointee.next
        }
        return (writer.finish(), writer.truncatedDeepNesting)
    }

    static let maximumNesting = 200

    private static let skipped: Set<String> = ["script", "style", "head", "title", "template", "noscript"]
    private static let blocks: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "pre", "hr", "dl", "dt",
        "dd", "section", "article", "header", "footer", "address", "center", "form", "fieldset", "body", "html",
        "blockquote", "tbody", "thead", "tfoot", "caption", "figure", "nav", "aside", "main",
    ]

    private struct Writer {
        var lines: [String] = []
        var current = ""
        var currentDepth = 0
        var quoteDepth = 0
        var pendingSpace = false
        var preformatted = 0
        var depth = 0
        var truncatedDeepNesting = false

        mutating func visit(_ node: xmlNodePtr) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { text(String(cString: content)) }
            case XML_ELEMENT_NODE:
                let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if HTMLText.skipped.contains(name) { return }
                // Hostile mail can nest elements without end; keep the recursion (and the stack) bounded.
                guard depth < HTMLText.maximumNesting else {
                    truncatedDeepNesting = true
                    return
                }
                if name == "br" {
                    breakLine(force: true)
                    return
                }
                let isBlock = HTMLText.blocks.contains(name)
                if isBlock { breakLine(force: false) }
                if name == "blockquote" { quoteDepth += 1 }
                if name == "pre" { preformatted += 1 }
                if name == "td" || name == "th", !current.isEmpty { pendingSpace = true }
                depth += 1
                var child = node.pointee.children
                while let next = child {
                    visit(next)
                    child = next.pointee.next
                }
                depth -= 1
                if name == "pre" { preformatted -= 1 }
                if isBlock { breakLine(force: false) }
                if name == "blockquote" { quoteDepth -= 1 }
                if name == "td" || name == "th" { pendingSpace = true }
            default:
                return
            }
        }

        mutating func text(_ raw: String) {
            if preformatted > 0 {
                var first = true
                for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
                    if !first { breakLine(force: true) }
                    first = false
                    append(String(line.filter { $0 != "\r" }).replacingNonBreakingSpaces())
                }
                return
            }
            for scalar in raw.unicodeScalars {
                if scalar.properties.isWhitespace || scalar == "\u{A0}" {
                    pendingSpace = true
                } else {
                    if pendingSpace, !current.isEmpty { current.unicodeScalars.append(" ") }
                    pendingSpace = false
                    if current.isEmpty { currentDepth = quoteDepth }
                    current.unicodeScalars.append(scalar)
                }
            }
        }

        private mutating func append(_ text: String) {
            if current.isEmpty { currentDepth = quoteDepth }
            current += text
            pendingSpace = false
        }

        /// Ends the current line; a block boundary ends only a non-empty one, `<br>` always does.
        mutating func breakLine(force: Bool) {
            pendingSpace = false
            if current.isEmpty {
                if force { lines.append(Self.prefix(quoteDepth)) }
                return
            }
            while current.last == " " { current.removeLast() }
            let prefix = Self.prefix(currentDepth)
            lines.append(prefix.isEmpty ? current : prefix + " " + current)
            current = ""
        }

        static func prefix(_ depth: Int) -> String { String(repeating: ">", count: max(depth, 0)) }

        mutating func finish() -> String {
            breakLine(force: false)
            while let last = lines.last, last.allSatisfy({ $0 == ">" }) { lines.removeLast() }
            while let first = lines.first, first.isEmpty { lines.removeFirst() }
            return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        }
    }
}

extension String {
    fileprivate func replacingNonBreakingSpaces() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\u{A0}" ? " " : $0 }))
    }
}
