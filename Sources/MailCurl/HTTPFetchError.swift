/// What an HTTP GET failed with, naming the URL (without any credentials: the API's URLs carry none).
public struct HTTPFetchError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var reason: String
    public var description: String { "\(url): \(reason)" }
}
