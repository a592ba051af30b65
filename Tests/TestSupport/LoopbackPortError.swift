/// Why no free port on loopback could be found.
public struct LoopbackPortError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
