import Foundation

/// What is being released: stack with major version, component, version, and optionally OS and architecture.
///
/// `Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64` and `Staged Rollout CA 1.38` are both valid
/// titles: the component, OS and architecture may be absent.
public struct ComponentRelease: Hashable, Sendable, Codable {
    /// The middleware stack with its major version, e.g. `EMI-1.0` or `CA`.
    public var stack: String
    /// The component, e.g. `SE-DPM_mysql`; absent for stacks released as a whole (`CA 1.38`).
    public var component: String?
    public var version: String
    public var os: String?
    public var architecture: String?

    public init(stack: String, component: String?, version: String, os: String? = nil, architecture: String? = nil) {
        self.stack = stack
        self.component = component
        self.version = version
        self.os = os
        self.architecture = architecture
    }

    /// The stack without its major version (`EMI-1.0` → `EMI`), the key under which managers and lists are configured.
    public var stackFamily: String {
        guard let dash = stack.lastIndex(ofASCII: "-") else { return stack }
        let suffix = stack[stack.index(after: dash)...]
        guard let first = suffix.first, first.isNumber else { return stack }
        return String(stack[..<dash])
    }

    /// The words after the queue's title prefix: `EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64`.
    public var words: [String] {
        [stack, component, version, os, architecture].compactMap { $0 }
    }

    /// `<MW stack>-<component>-<version>`, the part shared by report and summary file names.
    public var fileNameStem: String {
        [stack, component, version].compactMap { $0 }.joined(separator: "-")
    }

    /// How the document server describes the archive: `Staged rollout <MW stack> <component> <version>`.
    public var documentDescription: String {
        (["Staged rollout", stack, component, version].compactMap { $0 }).joined(separator: " ")
    }
}

/// Formats and parses ticket titles (SPEC §3).
public enum TicketTitle {
    public static let stagedRolloutPrefix = "Staged Rollout"
    public static let releasePrefix = "Release"

    /// `Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64`.
    public static func stagedRollout(_ release: ComponentRelease) -> String {
        ([stagedRolloutPrefix] + release.words).joined(separator: " ")
    }

    /// `Release EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64`, the release ticket's title.
    public static func release(_ release: ComponentRelease) -> String {
        ([releasePrefix] + release.words).joined(separator: " ")
    }

    /// Reads a staged-rollout title back.
    ///
    /// Two words are stack and version; three add the component; five add OS and architecture.
    /// Four words are read as stack, component, version, OS. Returns nil for anything else.
    public static func parseStagedRollout(_ title: String) -> ComponentRelease? {
        let words = title.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let prefix = stagedRolloutPrefix.split(separator: " ").map(String.init)
        guard words.count >= prefix.count,
            zip(words, prefix).allSatisfy({ $0.caseInsensitiveCompare($1) == .orderedSame })
        else { return nil }
        let rest = Array(words.dropFirst(prefix.count))
        switch rest.count {
        case 2: return ComponentRelease(stack: rest[0], component: nil, version: rest[1])
        case 3: return ComponentRelease(stack: rest[0], component: rest[1], version: rest[2])
        case 4: return ComponentRelease(stack: rest[0], component: rest[1], version: rest[2], os: rest[3])
        case 5:
            return ComponentRelease(
                stack: rest[0], component: rest[1], version: rest[2], os: rest[3], architecture: rest[4])
        default: return nil
        }
    }
}
