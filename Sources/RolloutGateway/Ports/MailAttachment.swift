import RolloutCore

/// A file sent with an outgoing message (the report bundle answering `bundle`): written as a base64 part of a
/// multipart/mixed message, its name RFC 2231-encoded when it is not ASCII and cleaned of control characters by the
/// writer. The same value as a file read from incoming mail: a name, a `type/subtype`, the bytes.
public typealias MailAttachment = InboundAttachment
