internal import CGMime

/// Owns one reference to a GObject (a GMime stream, parser, message, filter…) and drops it in `deinit`.
final class GObjectReference {
    let pointer: UnsafeMutableRawPointer

    /// Takes over a reference the caller owns (a `_new` or `construct` result); `nil` when C returned NULL.
    init?(adopting pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    func typed<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        pointer.assumingMemoryBound(to: type)
    }
}
