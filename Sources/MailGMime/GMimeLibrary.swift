internal import CGMime
internal import CLibXML2

/// Process-wide set-up of GMime and libxml2, run once before the first parse.
enum GMimeLibrary {
    /// Swift runs a global's initialiser once, thread-safely (`swift_once`), which is what
    /// `g_mime_init` and `xmlInitParser` need: neither may race with itself or with a parse.
    private static let initialized: Bool = {
        g_mime_init()
        xmlInitParser()
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }
}
