import Foundation

/// Benchmarks that print figures; see benchmarks/ for the scripts that run them beside their references.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "smtp-send": await SMTPBenchmark.run(Array(arguments.dropFirst()))
case "ingest-phases": IngestPhases.run(Array(arguments.dropFirst()))
case "imap-fetch": await IMAPBenchmark.run(Array(arguments.dropFirst()))
case "fan-out": FanOutBenchmark.run(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: rollout-bench smtp-send … | ingest-phases MAILDIR | imap-fetch … | fan-out [PEOPLE] [NOTIFICATIONS]\n".utf8))
    exit(64)
}
