import Foundation
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on a file beside the store, so that two overlapping runs never work at once.
final class RunLock: Sendable {
    /// The open lock file; nil for ``unneeded``.
    private let descriptor: Int32?

    /// Takes the lock, waiting up to `waiting` seconds; nil when another run kept it.
    init?(path: String, waiting: Int) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GatewayError.invalidInput("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(Double(waiting))
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK, Date() < deadline else {
                close(descriptor)
                return nil
            }
            usleep(100_000)
        }
        self.descriptor = descriptor
    }

    private init() { descriptor = nil }

    /// No lock to take (a shared database); ``release()`` does nothing.
    static let unneeded = RunLock()

    func release() {
        guard let descriptor else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
