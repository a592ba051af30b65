extension Environment {
    /// Takes the lock file beside a SQLite store (``localLockPath``), so that two overlapping runs never work at
    /// once: nil (and logged) when another run keeps it for `waiting` seconds. On a shared database, where claims and
    /// the mailbox lock keep instances apart, there is nothing to take: a lock whose release does nothing.
    func takeRunLock(waiting: Int = 10) throws -> RunLock? {
        guard let path = localLockPath else { return RunLock.unneeded }
        guard let lock = try RunLock(path: path, waiting: waiting) else {
            gateway.logger.notice("another run holds the lock; nothing done", metadata: ["lock": "\(path)"])
            return nil
        }
        return lock
    }
}
