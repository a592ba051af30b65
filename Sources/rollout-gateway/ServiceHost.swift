/// The long-running clients of one command (PostgreSQL's connection pool), each a child task of the task group that
/// runs the command's work, and cancelled when that work ends (``hosting(_:)``). Where the store is opened, deep in the
/// command, ``current`` takes the client's run.
final class ServiceHost: Sendable {
    /// The host of the command running in this task.
    @TaskLocal static var current: ServiceHost?

    private let services: AsyncStream<@Sendable () async -> Void>.Continuation

    private init(_ services: AsyncStream<@Sendable () async -> Void>.Continuation) {
        self.services = services
    }

    /// Runs `service` as a child task beside the work, until the work ends.
    func run(_ service: @escaping @Sendable () async -> Void) {
        services.yield(service)
    }

    /// Runs `work` with a host: the services it starts run beside it and are cancelled (and awaited) when it ends.
    static func hosting<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ work: () async throws -> T) async throws -> T {
        let (stream, continuation) = AsyncStream.makeStream(of: (@Sendable () async -> Void).self)
        let host = ServiceHost(continuation)
        return try await withThrowingTaskGroup(of: Void.self, isolation: isolation) { group in
            group.addTask {
                await withDiscardingTaskGroup { running in
                    for await service in stream { running.addTask { await service() } }
                }
            }
            defer {
                continuation.finish()
                group.cancelAll()
            }
            return try await $current.withValue(host, operation: work, isolation: isolation)
        }
    }
}
