import ArgumentParser
import Foundation
import RolloutGateway

/// Exit statuses, from sysexits.h so that an MTA and cron read them alike.
enum ExitStatus {
    static let usage: Int32 = 64  // EX_USAGE
    static let dataError: Int32 = 65  // EX_DATAERR: a refused command, an unknown ticket
    static let software: Int32 = 70  // EX_SOFTWARE
    static let ioError: Int32 = 74  // EX_IOERR: the store cannot be opened
    static let temporaryFailure: Int32 = 75  // EX_TEMPFAIL: try again later
    static let configuration: Int32 = 78  // EX_CONFIG

    /// Prints one line naming the problem and exits with the given status.
    static func report(_ error: any Error, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("rollout-gateway: \(error)\n".utf8))
        return ExitCode(status)
    }

    /// Prints one line naming the problem and maps it to its exit status.
    static func report(_ error: any Error) -> ExitCode {
        let (status, text): (Int32, String)
        switch error {
        case let error as ConfigurationError: (status, text) = (configuration, "configuration error: \(error)")
        case let error as TemplateLibrary.TemplateError: (status, text) = (configuration, "configuration error: \(error)")
        case let error as StoreError:
            switch error {
            case .busy, .conflict: (status, text) = (temporaryFailure, "\(error)")
            case .unavailable: (status, text) = (ioError, "\(error)")
            case .refused, .unknownValue: (status, text) = (dataError, "\(error)")
            case .brokenConstraint: (status, text) = (software, "\(error)")
            case .alreadySeen: (status, text) = (0, "\(error)")
            }
        case let error as GatewayError:
            switch error {
            case .hookFailed, .tooManyConflicts: (status, text) = (temporaryFailure, "\(error)")
            case .unknownTicket, .invalidInput, .hookRanForChangedTicket: (status, text) = (dataError, "\(error)")
            }
        default: (status, text) = (software, "unexpected failure: \(error)")
        }
        FileHandle.standardError.write(Data("rollout-gateway: \(text)\n".utf8))
        return ExitCode(status)
    }
}

/// Runs a command body, turning every error into one line on stderr and its exit status. The clients the body opens
/// (PostgreSQL's pool) run beside it, in one task group, until it ends (``ServiceHost``).
func guarded(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Void) async throws {
    do {
        try await ServiceHost.hosting(isolation: isolation, body)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        throw ExitStatus.report(error)
    }
}
