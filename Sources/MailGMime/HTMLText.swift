internal import CLibXML2
import RolloutCore

/// Reads the text of an HTML mail body through libxml2's forgiving HTML parser.
///
/// Block elements end lines, `<br>` breaks a line, and `<script>`, `<style>`, `<head>` are skipped.
///
/// What a mail program put in a quote container is quoted, whatever `<br>`, `<p>`, `<div>`, `<hr>` or line-breaking
/// character it holds (SPEC §5, issue 17): every line written from inside a `<blockquote>` (Apple Mail's and
/// Thunderbird's `type=cite` among them) starts with `> `, one `> ` per level (`> > ` nested); inside Gmail's
/// `div.gmail_quote`, Thunderbird's `.moz-cite-prefix` or Yahoo's `.yahoo_quoted`, and everywhere after Outlook's
/// `#divRplyFwdMsg`, `#appendonsend` or `#mail-editor-reference-message-container`, lines are quoted at least one level
/// deep. Text inside `<pre>` keeps its lines, which only LF or CRLF end.
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

    /// Classes of elements whose content is quoted: Gmail's quote (with its attribution), Thunderbird's attribution
    /// above its blockquote, Yahoo's quote.
    private static let quoteClasses: Set<String> = ["gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted"]
    /// IDs of elements from which on everything is the quoted original: Outlook's header block and the marks above it.
    private static let originalFollowsIDs: Set<String> = [
        "divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container",
    ]

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
        /// `<blockquote>` levels around the text being written.
        var blockquoteDepth = 0
        /// Quote containers other than `<blockquote>` around the text being written.
        var quoteContainers = 0
        /// Whether the quoted original started (Outlook): all that follows is quoted.
        var inOriginal = false
        /// The quote level of a line started now.
        var quoteDepth: Int { max(blockquoteDepth, quoteContainers > 0 || inOriginal ? 1 : 0) }
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
                let isQuoteContainer = Self.isQuoteContainer(node)
                if isQuoteContainer || Self.startsOriginal(node) {
                    // The line being written belongs to the new text; what the element holds does not.
                    breakLine(force: false)
                    if isQuoteContainer { quoteContainers += 1 } else { inOriginal = true }
                }
                if name == "blockquote" { blockquoteDepth += 1 }
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
                if isBlock || isQuoteContainer { breakLine(force: false) }
                if name == "blockquote" { blockquoteDepth -= 1 }
                if isQuoteContainer { quoteContainers -= 1 }
                if name == "td" || name == "th" { pendingSpace = true }
            default:
                return
            }
        }

        /// Whether an element's class names one of ``HTMLText/quoteClasses``.
        static func isQuoteContainer(_ node: xmlNodePtr) -> Bool {
            guard let classes = attribute("class", of: node) else { return false }
            return classes.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                .contains { HTMLText.quoteClasses.contains($0.lowercased()) }
        }

        /// Whether an element's ID is one of ``HTMLText/originalFollowsIDs``.
        static func startsOriginal(_ node: xmlNodePtr) -> Bool {
            guard let id = attribute("id", of: node) else { return false }
            return HTMLText.originalFollowsIDs.contains(id.trimmingWhitespace().lowercased())
        }

        /// The value of an element's attribute, read from the node's attribute list (nothing to free).
        static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
            var attribute = node.pointee.properties
            while let current = attribute {
                if let attributeName = current.pointee.name, String(cString: attributeName).lowercased() == name {
                    var value = ""
                    var child = current.pointee.children
                    while let text = child {
                        if let content = text.pointee.content { value += String(cString: content) }
                        child = text.pointee.next
                    }
                    return value
                }
                attribute = current.pointee.next
            }
            return nil
        }

        mutating func text(_ raw: String) {
            if preformatted > 0 {
                // Only LF (or CRLF) ends a line: a CR before LF is dropped, any other stays in its line.
                var first = true
                for line in raw.physicalLines {
                    if !first { breakLine(force: true) }
                    first = false
                    append(line.replacingNonBreakingSpaces())
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

        /// `>` per quote level, separated by spaces: `>`, `> >`.
        static func prefix(_ depth: Int) -> String { Array(repeating: ">", count: max(depth, 0)).joined(separator: " ") }

        mutating func finish() -> String {
            breakLine(force: false)
            while let last = lines.last, last.first == ">", last.allSatisfy({ $0 == ">" || $0 == " " }) { lines.removeLast() }
            lines.removeFirst(lines.prefix(while: \.isEmpty).count)  // at once: one by one, each shifts every line
            return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        }
    }
}

extension String {
    fileprivate func replacingNonBreakingSpaces() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\u{A0}" ? " " : $0 }))
    }
}
