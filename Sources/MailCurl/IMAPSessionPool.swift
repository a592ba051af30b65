import Foundation

/// Idle IMAP sessions (logged-in connections) kept between calls, so that a cycle logs in once per connection.
///
/// A session is taken by one thread at a time and given back only after a success; a failed one is dropped.
final class IMAPSessionPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [IMAPSession] = []
    private let configuration: IMAPConfiguration

    init(configuration: IMAPConfiguration) {
        self.configuration = configuration
    }

    /// An idle session, caught up with what other connections changed meanwhile (``IMAPSession/catchUp()``), or a new
    /// one (which connects on its first command). Called on the thread that will use it: catching up is a round trip.
    func take() throws(CurlError) -> IMAPSession {
        lock.lock()
        let session = idle.popLast()
        lock.unlock()
        if let session {
            session.catchUp()
            return session
        }
        return try IMAPSession(configuration: configuration)
    }

    /// Keeps a healthy session for later, up to one per configured connection and one for moving messages out while
    /// the next ones download; the rest log out.
    func put(_ session: IMAPSession) {
        lock.lock()
        let keep = idle.count < configuration.connections + 1
        if keep { idle.append(session) }
        lock.unlock()
    }

    /// Logs out every idle session (on the calling thread).
    func drain() {
        lock.lock()
        let sessions = idle
        idle = []
        lock.unlock()
        _ = sessions  // released here: each handle's cleanup sends LOGOUT
    }
}

/// A libcurl failure and what the fetcher was doing, before it becomes a ``MailFetchError``.
struct IMAPStepFailure: Error {
    let error: CurlError
    /// What was being done, for the message: `STATUS "INBOX"`, `downloading UID 7`.
    let what: String
    /// What a NO reply (`CURLE_QUOTE_ERROR`) to this step means.
    let refusal: IMAPRefusalMeaning

    /// libcurl found another UIDVALIDITY than the URL's when selecting the mailbox.
    var isUIDValidityChange: Bool {
        error.code == 78 && error.text.contains("UIDVALIDITY")
    }

    /// `UID FETCH` found no such message (it was expunged or moved).
    var isMissingMessage: Bool {
        error.code == 78 && !error.text.contains("UIDVALIDITY")
    }

    /// A batch download failed on libcurl's limits, not the server's: its count of response bytes
    /// ("Too large response headers", error 56), a clipped line, or a response that did not add up (error 8).
    var isUnreadableBatch: Bool {
        (error.code == 56 && error.text.contains("Too large response headers")) || error.code == 8
    }
}

/// How to read a NO to a custom command.
enum IMAPRefusalMeaning: Sendable {
    /// Worth trying again (e.g. over quota, mailbox locked).
    case temporary
    /// The mailbox named in the command does not exist or cannot be used.
    case mailbox
    /// Something configured is not acceptable to the server (folder cannot be created, keyword not allowed).
    case configuration
}

/// Runs a session call, attaching what it was for.
func step<T>(
    _ what: @autoclosure () -> String, refusal: IMAPRefusalMeaning = .temporary, _ operation: () throws(CurlError) -> T
) throws(IMAPStepFailure) -> T {
    do {
        return try operation()
    } catch {
        throw IMAPStepFailure(error: error, what: what(), refusal: refusal)
    }
}
