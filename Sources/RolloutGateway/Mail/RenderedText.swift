import Foundation
import Synchronization

/// A notification's subject and body, rendered from its template once and shared by every copy of it.
///
/// The copies may be written on several threads at once: the first to ask renders, the others wait for it.
final class RenderedText: Sendable {
    private let render: @Sendable () throws -> (subject: String, body: String)
    private let result = Mutex<Result<(subject: String, body: String), any Error>?>(nil)

    init(_ render: @escaping @Sendable () throws -> (subject: String, body: String)) {
        self.render = render
    }

    /// The rendered text; a template error is rethrown to every caller.
    func value() throws -> (subject: String, body: String) {
        try result.withLock { result in
            if result == nil { result = Result { try render() } }
            return try result!.get()
        }
    }
}
