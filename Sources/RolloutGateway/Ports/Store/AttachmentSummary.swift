import Foundation
import RolloutCore

/// A kept attachment without its bytes: what a listing of a ticket's files shows (the web's pages, `tickets show`),
/// read without loading every file of the ticket into memory.
public struct AttachmentSummary: Sendable, Equatable {
    public var verdict: AttachmentVerdict
    public var contentType: String
    /// Bytes.
    public var size: Int

    public init(verdict: AttachmentVerdict, contentType: String, size: Int) {
        self.verdict = verdict
        self.contentType = contentType
        self.size = size
    }

    public init(_ attachment: StoredAttachment) {
        self.init(verdict: attachment.verdict, contentType: attachment.contentType, size: attachment.bytes.count)
    }
}
