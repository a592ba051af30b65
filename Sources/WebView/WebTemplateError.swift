/// A web template that cannot be used, and why.
public struct WebTemplateError: Error, CustomStringConvertible {
    public var description: String
}
