import Foundation
import RolloutCore

/// An attachment as received, before the workflow judged it.
public struct IncomingAttachment: Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String = "application/octet-stream", bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}
