import CFuzzDriver
import Glibc
import RolloutCore

/// libFuzzer entry: every line of the input through the command grammar (SPEC §5), and GGUS URLs.
func fuzzCommandGrammar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        _ = CommandGrammar.read(String(line))
        _ = CommandGrammar.ggusTicket(inURL: String(line))
    }
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzCommandGrammar($0, $1) })
    }
}
