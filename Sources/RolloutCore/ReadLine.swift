import Foundation

/// One line of new text with what it was read as.
public struct ReadLine: Sendable, Equatable {
    public var text: String
    public var reading: CommandLineReading
    /// Whether the line stands in the leading command block of the sender's new text (SPEC §5): from the top of the
    /// new text (or, bottom-posted, from below the quoted original) down to the first line that is neither blank, a
    /// command nor a short greeting. Commands that need a strong sender, `assign`, `unassign` and `escalate` count
    /// only there. Text given as it is (the command line's `apply`) is all leading.
    public var leading: Bool

    public init(text: String, reading: CommandLineReading, leading: Bool = true) {
        self.text = text
        self.reading = reading
        self.leading = leading
    }

    public init(_ text: String, leading: Bool) {
        self.init(text: text, reading: CommandGrammar.read(text), leading: leading)
    }

    /// A line of the leading block; kept apart from ``init(_:leading:)`` so that `map(ReadLine.init)` still reads
    /// `(String) -> ReadLine`.
    public init(_ text: String) {
        self.init(text, leading: true)
    }
}
