import CFuzzDriver
import Glibc
import MailGMime
import RolloutCore

/// libFuzzer entry: any bytes as a whole message through GMime (MIME structure, RFC 2047/2231, charsets, HTML,
/// flowed text, delivery reports), then classification (sender, loop, bounce, auto-reply, authentication verdict)
/// and reply reading of its text. Must never trap, leak or take more than linear time.
private let parser = GMimeMailParser()
private let classifier = MessageClassifier(
    identity: GatewayIdentity(
        addresses: [EmailAddress("staged-rollout@rollout.example.org")], messageIDDomain: "rollout.example.org",
        loopValues: ["staged-rollout@rollout.example.org"], trustedAuthservIDs: ["mx.rollout.example.org"],
        listAddresses: [EmailAddress("early-adopters-emi@lists.egi.example.org")], internalHosts: ["lmtp.rollout.example.org"]))

func fuzzMIME(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    let message = parser.parse(raw)
    let classification = classifier.classify(message)
    _ = classification.replyPolicy.allowsReply(senderIsKnown: true)
    let reply = ReplyText(message.text)
    _ = reply.readLines.count
    for embedded in message.embeddedMessages { _ = classifier.classify(embedded) }
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzMIME($0, $1) })
    }
}
