import CFuzzDriver
import Glibc
import RolloutCore

/// libFuzzer entry: any text as a reply body: quotes, attributions, Outlook/Notes blocks, signatures and list
/// footers cut; flowed text unwrapped; every remaining line read as a command.
func fuzzReplyText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let reply = ReplyText(text)
    for line in reply.newLines { _ = CommandGrammar.read(line) }
    _ = reply.cuts.count
    _ = FlowedText.unwrap(text, delSp: size % 2 == 0)
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzReplyText($0, $1) })
    }
}
