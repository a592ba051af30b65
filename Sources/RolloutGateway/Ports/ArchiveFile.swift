/// One file of an archive: its path inside the archive (folders separated by `/`) and its bytes.
public struct ArchiveFile: Sendable, Equatable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
