/// ZIPFoundation gave no bytes for an archive written in memory.
struct ArchiveFailure: Error, CustomStringConvertible {
    var description: String { "the ZIP archive could not be written in memory" }
}
