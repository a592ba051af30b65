extension ReplyText {
    /// A reply's lines as the recognisers read them, with what a recogniser may need to know about the whole reply —
    /// computed once, on first use, so that reading stays linear however many lines ask.
    final class Reading {
        let lines: [String]

        init(_ lines: [String]) { self.lines = lines }

        /// The last unquoted line that reads as a command (``CommandGrammar``), or -1.
        private(set) lazy var lastCommandLine: Int =
            lines.lastIndex { !ReplyText.isQuoted($0) && CommandGrammar.read($0) != .text } ?? -1

        /// Whether a line below `index` reads as a command.
        func commandBelow(_ index: Int) -> Bool { lastCommandLine > index }
    }
}
