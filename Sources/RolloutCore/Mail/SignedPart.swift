/// A signed part of a message as the parser found it, before anyone checked the signature (RFC 8551 S/MIME,
/// RFC 3156 OpenPGP/MIME).
public struct SignedPart: Sendable, Equatable {
    /// The signature's technology.
    public enum Scheme: String, Sendable, Equatable {
        case smime
        case openpgp
    }

    /// How the signature travels with what it signs.
    public enum Form: Sendable, Equatable {
        /// `multipart/signed`: the first part's bytes exactly as received, with CRLF line ends (RFC 1847
        /// canonical form), and the second part's signature, its transfer encoding undone.
        case detached(content: [UInt8], signature: [UInt8])
        /// `application/pkcs7-mime; smime-type=signed-data`: one blob that holds the signed entity.
        case opaque([UInt8])
        /// A later part of a scheme whose first part was kept: counted, its bytes not copied. A message with two
        /// signed parts of one scheme is refused before either is checked, and `multipart/signed` nested a thousand
        /// deep would otherwise copy everything below each level (a 20 MB message held as 20 GB).
        case notKept
    }

    public var scheme: Scheme
    public var form: Form
    /// Whether the signed part is the message's whole body, not one part inside an unsigned wrapper (a list's
    /// footer, a forwarder's note).
    public var wholeBody: Bool

    public init(scheme: Scheme, form: Form, wholeBody: Bool) {
        self.scheme = scheme
        self.form = form
        self.wholeBody = wholeBody
    }
}
