/// A trace field of a message's header: a `Received` hop or an `Authentication-Results` verdict, as written.
public struct TraceField: Sendable, Equatable {
    public enum Name: String, Sendable, Equatable {
        case received = "Received"
        case authenticationResults = "Authentication-Results"
    }

    public var name: Name
    /// The unfolded value.
    public var value: String

    public init(_ name: Name, _ value: String) {
        self.name = name
        self.value = value
    }
}
