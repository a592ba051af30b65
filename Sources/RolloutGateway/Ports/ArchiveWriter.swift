import Foundation

/// Writes files into one archive: the report bundle of step 9 (adapter: `ArchiveZIP`, a ZIP through ZIPFoundation).
public protocol ArchiveWriter: Sendable {
    /// The archive's bytes, holding `files` in order, each dated `modifiedAt`.
    func archive(_ files: [ArchiveFile], modifiedAt: Date) throws -> [UInt8]
}
