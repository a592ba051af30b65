import Foundation

/// Reads an mbox file message by message, streaming: only one message is in memory at a time.
///
/// Messages start at a `From ` line at the start of the file or after an empty line (mboxo/mboxrd);
/// `>From ` quoting is undone (mboxrd: one `>` is removed from `>+From ` lines).
public struct MboxReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var atEnd = false
    private var current: [UInt8]? = nil
    private var previousLineEmpty = true

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MaildirError(path: path, problem: "cannot be read; expected an mbox file")
        }
        self.handle = handle
    }

    private mutating func nextLine() -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[...newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return buffer
            }
            let chunk = (try? handle.read(upToCount: 1 << 16)) ?? nil
            if let chunk, !chunk.isEmpty { buffer += chunk } else { atEnd = true }
        }
    }

    private static let fromPrefix = Array("From ".utf8)

    /// The next message's bytes, or nil at the end of the file.
    public mutating func next() -> [UInt8]? {
        while let line = nextLine() {
            let isSeparator = previousLineEmpty && line.starts(with: Self.fromPrefix)
            previousLineEmpty = line == [0x0A] || line == [0x0D, 0x0A]
            if isSeparator {
                if let message = current {
                    current = []
                    return Self.trimmed(message)
                }
                current = []
                continue
            }
            var body = line
            if body.first == 0x3E, let from = body.firstIndex(where: { $0 != 0x3E }), body[from...].starts(with: Self.fromPrefix) {
                body.removeFirst()
            }
            if current == nil { current = [] }
            current! += body
        }
        defer { current = nil }
        return current.map(Self.trimmed)
    }

    /// Drops the empty line that separates a message from the next `From ` line.
    private static func trimmed(_ message: [UInt8]) -> [UInt8] {
        var message = message
        if message.suffix(2) == [0x0A, 0x0A] { message.removeLast() }
        else if message.suffix(4) == [0x0D, 0x0A, 0x0D, 0x0A] { message.removeLast(2) }
        return message
    }
}
