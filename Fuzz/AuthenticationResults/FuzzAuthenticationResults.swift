import CFuzzDriver
import Glibc
import RolloutCore

/// libFuzzer entry: the input's lines as a header's trace fields, top first (`A:` an Authentication-Results
/// value, `R:` a Received value; the first line without either is the sender): each parsed (a field that cannot be
/// read must count nothing), then the verdict walked over them by position.
func fuzzAuthenticationResults(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var trace: [TraceField] = []
    var sender: EmailAddress?
    for line in text.split(separator: "\n") {
        if line.hasPrefix("A:") {
            let value = String(line.dropFirst(2))
            let parsed = AuthenticationResults(parsing: value)
            // A field whose authserv-id cannot be read counts for nothing.
            precondition(parsed.unreadable == nil || parsed.results.isEmpty)
            _ = parsed.dropped.map(\.reason)
            trace.append(TraceField(.authenticationResults, value))
        } else if line.hasPrefix("R:") {
            let value = String(line.dropFirst(2))
            _ = ReceivedField(parsing: value).fromIsInternal(["lmtp.rollout.example.org", "10.0.0.5"])
            trace.append(TraceField(.received, value))
        } else if sender == nil {
            sender = EmailAddress(String(line))
        }
    }
    let trust = AuthenticationVerdict.Trust(authservIDs: ["mx.rollout.example.org"], internalHosts: ["lmtp.rollout.example.org"])
    let verdict = AuthenticationVerdict(trace: trace, sender: sender, trust: trust)
    _ = verdict.level
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzAuthenticationResults($0, $1) })
    }
}
