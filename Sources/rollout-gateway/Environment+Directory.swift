import DirectoryLDAP
import Foundation
import RolloutGateway

extension Environment {
    /// The directory sync for the configured directory; nil without a `directory:` section.
    func directorySync(source: (any DirectorySource)? = nil) throws -> DirectorySync? {
        guard let settings = configuration.directory else { return nil }
        guard let store = store as? any DirectoryStore else {
            throw ConfigurationError(file: configuration.file, key: "directory", line: nil, problem: "this store keeps no directory snapshot")
        }
        return DirectorySync(gateway: gateway, source: source ?? LDAPDirectory(settings: settings), store: store, settings: settings,
            configured: configured.workflow.registry)
    }

    /// Syncs the directory and writes its metrics. A directory that cannot be read is logged (one line) and counted;
    /// the last snapshot stays in force and the error is thrown for the caller to map.
    func syncDirectory(_ sync: DirectorySync, force: Bool) async throws -> (DirectorySyncReport, Environment) {
        let logger = gateway.logger
        func writeMetrics(succeeded: Bool, _ snapshot: StoredDirectorySnapshot?) {
            guard let textfile = configuration.metricsTextfile else { return }
            do {
                try DirectoryMetrics.write(
                    succeeded: succeeded, snapshot: snapshot, now: gateway.clock.now(), to: DirectoryMetrics.path(besides: textfile))
            } catch {
                logger.error("the directory metrics could not be written: \(error)")
            }
        }
        do {
            let report = try await sync.run(force: force)
            let stored = try await sync.store.directorySnapshot()
            writeMetrics(succeeded: report.outcome == .stored, stored)
            return (report, try stored.map(using) ?? self)
        } catch let error as DirectoryError {
            logger.error(
                "directory sync failed; the last snapshot stays in force: \(error)",
                metadata: ["snapshot_taken_at": "\(directorySnapshot.map { "\($0.takenAt)" } ?? "none")"])
            writeMetrics(succeeded: false, directorySnapshot)
            throw error
        }
    }

    /// For `run`: syncs when the snapshot is older than `refresh_minutes`; on any directory failure keeps working
    /// with the last snapshot (logged and counted by ``syncDirectory(_:force:)``).
    func syncingDirectoryIfStale() async throws -> Environment {
        guard let sync = try directorySync(), try await sync.isStale() else { return self }
        do {
            return try await syncDirectory(sync, force: false).1
        } catch is DirectoryError {
            return self
        }
    }
}
