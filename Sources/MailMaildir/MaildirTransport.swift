import Foundation
import RolloutGateway

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers outgoing mail into a Maildir (`tmp/` then a rename into `new/`), the embedded default's
/// mail out. Files are written with POSIX calls and the folder synced once per batch: Foundation's
/// `Data.write` syncs every file, which costs about half a millisecond each here.
public struct MaildirTransport: MailTransport {
    public let root: String

    public init(root: String) { self.root = root }

    public var name: String { "maildir \(root)" }

    /// Creates `tmp/`, `new/` and `cur/` when missing, private (0700) whatever the umask.
    public func prepare() throws {
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(
                atPath: "\(root)/\(folder)", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    public func deliver(_ messages: [OutgoingMessage]) async -> [DeliveryOutcome] {
        do {
            try prepare()
        } catch {
            let reason = "cannot create the Maildir \(root): \(error.localizedDescription)"
            return messages.map { _ in .temporaryFailure(reason) }
        }
        let outcomes = messages.map(deliver)
        let directory = open("\(root)/new", O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return outcomes
    }

    private func deliver(_ message: OutgoingMessage) -> DeliveryOutcome {
        // Its addresses become header lines of the file: one with a line break would add a field of its own.
        if let problem = message.envelopeProblem { return .permanentFailure(problem) }
        let unique = "\(Int(Date().timeIntervalSince1970)).\(getpid())_\(Self.fileName(message.messageID)).rollout-gateway"
        let temporary = "\(root)/tmp/\(unique)"
        let final = "\(root)/new/\(unique)"
        var envelope = "Return-Path: <\(message.sender.value)>\r\n"
        envelope += "X-Original-To: \(message.recipients.map(\.value).joined(separator: ", "))\r\n"
        let bytes = Array(envelope.utf8) + message.data
        // Private whatever the umask: the umask can only take bits away from 0600.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            return .temporaryFailure("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else {
            unlink(temporary)
            return .temporaryFailure("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            return .temporaryFailure("cannot move \(temporary) into new/: \(String(cString: strerror(errno)))")
        }
        return .delivered
    }

    /// A Message-ID made safe for a Maildir file name (no `/`, no `:`).
    static func fileName(_ messageID: String) -> String {
        String(messageID.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }
}
