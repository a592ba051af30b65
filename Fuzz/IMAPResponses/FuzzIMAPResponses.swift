import CFuzzDriver
import Glibc
@testable import MailCurl

/// libFuzzer entry: any bytes as what an IMAP server answered (STATUS, SEARCH, FETCH sizes, CAPABILITY, LIST and
/// the batch download's literals), through every reader of Sources/MailCurl/IMAPResponses.swift. A hostile or
/// broken server must never make them trap or loop.
func fuzzIMAPResponses(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = IMAPResponses.lines(bytes)
    _ = IMAPResponses.status(bytes)
    let uids = IMAPResponses.searchedUIDs(bytes)
    _ = IMAPResponses.sizes(bytes)
    _ = IMAPResponses.capabilities(bytes)
    _ = IMAPResponses.listsMailbox(bytes)
    _ = IMAPResponses.fetchedBodies(bytes)
    // Sets as a server might write them in a SEARCH or VANISHED answer; bounded so that "1:4294967295" is the
    // reader's problem, not the fuzzer's memory.
    if bytes.count < 64 { _ = IMAPResponses.expand(String(decoding: bytes, as: UTF8.self).prefix(64)) }
    _ = IMAPResponses.uidSets(Array(uids.prefix(10_000)))
    _ = IMAPResponses.urlEncoded(String(decoding: bytes.prefix(256), as: UTF8.self))
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzIMAPResponses($0, $1) })
    }
}
