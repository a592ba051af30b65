import CFuzzDriver
import Glibc
import RolloutGateway

/// libFuzzer entry: any text as the configuration file. Parsing either succeeds or throws a
/// ``ConfigurationError`` naming file, key and line; it never traps.
func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try GatewayConfiguration.parse(text, file: "/nonexistent/fuzz/gateway.yaml")
    } catch let error as ConfigurationError {
        _ = error.description
    } catch {
        fatalError("parse threw something other than a ConfigurationError: \(type(of: error))")
    }
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        exit(rollout_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { fuzzConfiguration($0, $1) })
    }
}
