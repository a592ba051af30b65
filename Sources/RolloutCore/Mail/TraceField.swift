import Foundation

/// A trace field of a message's header: a `Received` hop or an `Authentication-Results` verdict, as written.
public struct TraceField: Sendable, Equatable {
    public enum Name: String, Sendable, Equatable {
        case received = "Received"
        case authenticationResults = "Authentication-Results"
    }

    public var name: Name
    /// The unfolded value.
    public var value: String
    /// A `Received` field's date (after its last `;`), when it could be read: the time that host took the message.
    public var date: Date?

    public init(_ name: Name, _ value: String, date: Date? = nil) {
        self.name = name
        self.value = value
        self.date = date
    }
}
