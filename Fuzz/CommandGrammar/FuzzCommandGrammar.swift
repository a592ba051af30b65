import RolloutCore

/// libFuzzer entry: every line of the input through the command grammar (SPEC §5), and GGUS URLs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandGrammar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        _ = CommandGrammar.read(String(line))
        _ = CommandGrammar.ggusTicket(inURL: String(line))
    }
    return 0
}
