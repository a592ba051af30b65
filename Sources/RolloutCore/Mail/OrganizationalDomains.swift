/// Finds a domain's organizational domain as DMARC defines it (RFC 7489 §3.2): the public suffix under which it is
/// registered plus one label (`sub.lip.example.org` → `example.org`; `www.cam.ac.uk` → `cam.ac.uk`).
///
/// The Public Suffix List lives outside the core: an adapter (libpsl over the list Debian ships) provides it and the
/// composition root injects it.
public protocol OrganizationalDomains: Sendable {
    /// The organizational domain of `domain` (lower-case, no trailing dot), or nil when `domain` is itself a public
    /// suffix (`co.uk`, `ac.uk`, `org`) or is no domain at all: such a domain aligns with nothing.
    func organizationalDomain(of domain: String) -> String?
}
