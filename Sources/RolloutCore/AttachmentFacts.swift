import Foundation

/// An attachment as the workflow sees it: its name and its first bytes (enough to tell its container).
public struct AttachmentFacts: Sendable, Equatable {
    public var fileName: String
    public var head: [UInt8]

    public init(fileName: String, head: some Collection<UInt8>) {
        self.fileName = fileName
        self.head = Array(head.prefix(64))
    }
}
