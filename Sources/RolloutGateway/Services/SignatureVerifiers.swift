import Foundation
import RolloutCore

/// The verifiers of an installation, one per signature scheme: each part goes to the one for its scheme.
public struct SignatureVerifiers: SignatureVerifier {
    let byScheme: [SignedPart.Scheme: any SignatureVerifier]

    /// Later verifiers do not replace earlier ones for a scheme both check.
    public init(_ verifiers: [any SignatureVerifier]) {
        var byScheme: [SignedPart.Scheme: any SignatureVerifier] = [:]
        for verifier in verifiers {
            for scheme in verifier.schemes where byScheme[scheme] == nil { byScheme[scheme] = verifier }
        }
        self.byScheme = byScheme
    }

    public var schemes: Set<SignedPart.Scheme> { Set(byScheme.keys) }

    public func verify(_ part: SignedPart, at arrival: Date) -> SignatureVerdict {
        guard let verifier = byScheme[part.scheme] else { return .refused("this gateway does not check \(part.scheme.rawValue) signatures") }
        return verifier.verify(part, at: arrival)
    }
}
