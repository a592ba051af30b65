private import CPSL
import RolloutCore

/// Organizational domains (RFC 7489 §3.2) from the Public Suffix List through libpsl: the newer of the list compiled
/// into libpsl and the one Debian's `publicsuffix` package installs (`psl_latest`).
///
/// The registrable domain of `sub.lip.example.org` is `example.org`; a public suffix (`co.uk`, `ac.uk`, `org`) has
/// none, so it aligns with nothing.
public final class PublicSuffixListDomains: OrganizationalDomains, @unchecked Sendable {
    // @unchecked: the context is loaded once in init and only read afterwards; libpsl's lookups do not change it.
    private let context: OpaquePointer

    /// Loads the list; nil when libpsl has none (no built-in list and no readable file).
    public init?() {
        guard let context = psl_latest(nil) else { return nil }
        self.context = context
    }

    deinit { psl_free(context) }

    public func organizationalDomain(of domain: String) -> String? {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("..") else { return nil }
        return name.withCString { pointer -> String? in
            guard let registrable = psl_registrable_domain(context, pointer) else { return nil }
            return String(cString: registrable)
        }
    }
}
