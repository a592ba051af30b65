import Foundation
import RolloutGateway
import ZIPFoundation

/// ZIP archives written in memory by ZIPFoundation, each file deflated.
public struct ZIPArchiveWriter: ArchiveWriter {
    public init() {}

    public func archive(_ files: [ArchiveFile], modifiedAt date: Date) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for file in files {
            let data = Data(file.bytes)
            try archive.addEntry(
                with: file.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw ArchiveFailure() }
        return [UInt8](data)
    }
}
