import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a Maildir's `new/` one message at a time (never the whole folder at once), and moves each
/// message on only once the caller has committed it: to `cur/` with the Seen flag, or to `failed/`
/// with the reason beside it.
public struct MaildirSource: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// A message waiting in `new/`.
    public struct Entry: Sendable {
        public let name: String
        public let path: String
        public let size: Int
    }

    /// The names in `new/`, oldest first (Maildir names start with the delivery time).
    public func pending() throws -> [Entry] {
        let folder = "\(root)/new"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MaildirError(path: folder, problem: "is not a Maildir folder; expected \(root)/new, cur and tmp")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { name in
            let path = "\(folder)/\(name)"
            var info = stat()
            let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
            return Entry(name: name, path: path, size: size)
        }
    }

    /// The message's bytes, or at most `limit` of them (an oversized message is never loaded whole).
    public func read(_ entry: Entry, limit: Int = .max) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: entry.path) else {
            throw MaildirError(path: entry.path, problem: "cannot be read")
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit) ?? Data()
        return [UInt8](data)
    }

    /// Moves a committed message to `cur/`, marked seen.
    public func markDone(_ entry: Entry) throws {
        try move(entry, into: "\(root)/cur", as: "\(entry.name.split(separator: ":").first ?? Substring(entry.name)):2,S")
    }

    /// Moves a message that could not be processed to `failed/`, with the reason in `<name>.reason`.
    public func setAside(_ entry: Entry, reason: String) throws {
        let folder = "\(root)/failed"
        try move(entry, into: folder, as: entry.name)
        let reasonPath = "\(folder)/\(entry.name).reason"
        guard FileManager.default.createFile(atPath: reasonPath, contents: Data((reason + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw MaildirError(path: reasonPath, problem: "cannot be written")
        }
    }

    /// Renames the message to `name` in `folder`, made first if missing (its path as given: NSString's path
    /// functions cost more than the rest of a message's release).
    private func move(_ entry: Entry, into folder: String, as name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let destination = "\(folder)/\(name)"
        guard rename(entry.path, destination) == 0 else {
            throw MaildirError(path: entry.path, problem: "cannot be moved to \(destination): \(String(cString: strerror(errno)))")
        }
    }
}

/// A Maildir or mbox that cannot be used, and why.
public struct MaildirError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "\(path) \(problem)" }
}
