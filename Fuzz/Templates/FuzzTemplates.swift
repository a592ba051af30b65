import CFuzzDriver
import Glibc
import MailGMime
import RolloutCore
import RolloutGateway

/// libFuzzer entry: every shipped template rendered with hostile values (the input, cut at NUL bytes, gives the
/// values of the keys in order: CR/LF, Mustache delimiters, encoded words, long lines…), the result composed into a message as
/// `send` does and read back with GMime. A value must never add a header field: the message read back has the
/// gateway's From, one Subject, and no field the composer did not write. The two fast paths are held to their
/// references on the way: a plain template renders what Mustache renders, and the assembled message is the bytes of
/// the message GMime builds.
private let templates = try! TemplateLibrary()
private let names = templates.names.sorted()
private let composer = MailComposer(
    from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: GMimeMessageWriter())
private let builtByGMime = MailComposer(
    from: EmailAddress("staged-rollout@rollout.example.org"), displayName: "EGI Staged Rollout", writer: BuiltByGMime())
private let parser = GMimeMailParser()

/// The writer's reference path alone: every message built as a `GMimeMessage`.
private struct BuiltByGMime: MessageWriter {
    func write(_ message: MailMessage) -> [UInt8] { GMimeMessageWriter().built(message) }
}
private let keys = [
    "ticket_id", "tag", "title", "release_id", "release_title", "release_status", "stack", "component", "version",
    "release_notes", "fixed_bugs", "documentation", "team", "team_short", "deadline", "reply_accept", "reply_reject",
    "report_name", "summary_name", "doc_description", "assigned_teams", "candidate_teams", "testing_minimum",
    "testing_maximum", "outcome", "docid", "reason", "expected_name", "file_name", "text", "author",
    "escalation_number", "teams_without_answer", "days", "teams",
]

func fuzzTemplates(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let first = bytes.first else { return 0 }
    let pieces = bytes.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    var values: [String: String] = [:]
    // Each piece fills one key (the first piece the first key, …): the values together are the input, so that the
    // cost per byte is the renderer's, not 35 copies of the input (one 1 MiB piece in every key rendered, composed
    // and parsed back 35 MiB of values: 88 s per MiB of input without AddressSanitizer, linear, RELIABILITY.md).
    for (index, key) in keys.enumerated() { values[key] = index < pieces.count ? pieces[index] : "" }
    let name = names[Int(first) % names.count]
    guard name != TemplateLibrary.footer else { return 0 }
    guard let (subject, body) = try? templates.render(name, values) else { fatalError("template \(name) failed to render") }
    guard let (mustacheSubject, mustacheBody) = try? templates.render(name, values, mustacheOnly: true), mustacheSubject == subject,
        mustacheBody == body
    else { fatalError("template \(name): the plain rendering is not Mustache's") }
    var draft = MailComposer.Draft(
        to: [EmailAddress("paolo.veronesi@cnaf.example.org")], subject: subject, body: body,
        messageID: "rg.2.fuzz@rollout.example.org", ticket: TicketID(2), date: .init(timeIntervalSince1970: 1_796_000_000))
    draft.inReplyTo = pieces.first
    let message = composer.compose(draft)
    if message != builtByGMime.compose(draft) { fatalError("the assembled message is not GMime's (template \(name))") }
    let read = parser.parse(message)
    let from = read.headers.from.map(\.address)
    if from != [EmailAddress("staged-rollout@rollout.example.org")] {
        fatalError("a value changed From: \(from) (template \(name))")
    }
    if read.headers.to.map(\.address) != [EmailAddress("paolo.veronesi@cnaf.example.org")] {
        fatalError("a value changed To: \(read.headers.to) (template \(name))")
    }
    if read.headers.autoSubmitted != "auto-generated" {
        fatalError("a value changed Auto-Submitted: \(String(describing: read.headers.autoSubmitted)) (template \(name))")
    }
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzTemplates($0, $1) })
    }
}
