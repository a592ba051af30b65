import Foundation
import RolloutCore

/// An attachment to keep with the ticket, whatever the workflow made of it.
public struct StoredAttachment: Sendable, Equatable {
    public var verdict: AttachmentVerdict
    public var contentType: String
    public var bytes: [UInt8]

    public init(verdict: AttachmentVerdict, contentType: String, bytes: [UInt8]) {
        self.verdict = verdict
        self.contentType = contentType
        self.bytes = bytes
    }
}
