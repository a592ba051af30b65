/// A file sent with an outgoing message (the report bundle answering `bundle`): written as a base64 part of a
/// multipart/mixed message, its name RFC 2231-encoded when it is not ASCII.
public struct MailAttachment: Sendable, Equatable {
    /// The name the recipient sees; cleaned of control characters by the writer.
    public var fileName: String
    /// `type/subtype`, e.g. `application/zip`.
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }
}
