import NIOCore

/// A connection's event loop as the executor of the task that uses the connection (`withTaskExecutorPreference`):
/// a statement is written, and the task resumed when its answer is read, on the loop's own thread, instead of each
/// statement handing the task from a thread of the global pool to the loop and back (two thread wake-ups a statement;
/// BENCHMARKS.md). Child tasks (`async let`, task groups) inherit the preference, `Task {}` does not. A body must
/// therefore never block its thread (a semaphore, a blocking `waitpid`): it is the loop's, shared with the pool's other
/// connections on that loop. The gateway's waits are `await`s: hooks poll with `Task.sleep`, SMTP and IMAP block on
/// threads of their own, and a signature check (GPGME waits on `gpg`) prefers the global executor for its time.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
