import Foundation

/// One line of new text with what it was read as.
public struct ReadLine: Sendable, Equatable {
    public var text: String
    public var reading: CommandLineReading

    public init(text: String, reading: CommandLineReading) {
        self.text = text
        self.reading = reading
    }

    public init(_ text: String) { self.init(text: text, reading: CommandGrammar.read(text)) }
}
