import Foundation
import MailGMime
import RolloutCore

/// Times the pure phases of mail in over a Maildir's new/: MIME parsing, classification, reply reading.
enum IngestPhases {
    static func run(_ arguments: [String]) {
        guard let root = arguments.first else {
            FileHandle.standardError.write(Data("usage: rollout-bench ingest-phases MAILDIR\n".utf8))
            exit(64)
        }
        let folder = root + "/new"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let messages = names.compactMap { FileManager.default.contents(atPath: "\(folder)/\($0)").map { [UInt8]($0) } }
        let parser = GMimeMailParser()
        let classifier = MessageClassifier(
            identity: GatewayIdentity(addresses: [EmailAddress("staged-rollout@rollout.example.org")], messageIDDomain: "rollout.example.org"))
        func time(_ label: String, _ body: () -> Int) {
            let start = DispatchTime.now().uptimeNanoseconds
            let count = body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("\(label): \(count) in \(String(format: "%.3f", seconds)) s = \(Int(Double(count) / seconds)) per s")
        }
        var parsed: [InboundMessage] = []
        time("parse") { parsed = messages.map(parser.parse); return parsed.count }
        time("classify") { parsed.map(classifier.classify).count }
        time("reply text") { parsed.map { ReplyText($0.text).readLines.count }.count }
    }
}
