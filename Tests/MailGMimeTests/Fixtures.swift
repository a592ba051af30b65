import Foundation

/// Finds the mail corpus under the repository's top-level `fixtures/mail/`, from this file's path
/// (as swift-http-structured-headers' `Fixtures.swift` does).
enum Fixtures {
    static let mailDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // MailGMimeTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("fixtures/mail", isDirectory: true)

    /// The raw bytes of `fixtures/mail/<path>`.
    static func mail(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: mailDirectory.appendingPathComponent(path)))
    }

    /// Every `.eml` file under `fixtures/mail/`, as paths relative to it, sorted.
    static func allMailPaths() -> [String] {
        guard
            let enumerator = FileManager.default.enumerator(
                at: mailDirectory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        let base = mailDirectory.standardizedFileURL.path
        var paths: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "eml" {
            let full = url.standardizedFileURL.path
            paths.append(String(full.dropFirst(base.count + 1)))
        }
        return paths.sorted()
    }
}
