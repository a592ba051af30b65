import RolloutCore

extension HookRun {
    /// Whether `other` is this hook told the same (``ProcessHookRunner/environment(for:)``: the release, its staged
    /// rollout's number, the outcome): a decision made again after a conflict that runs it so has nothing new for it
    /// to do; one that runs it otherwise, or not at all, would record something else than what it did.
    func isSameRun(as other: HookRun) -> Bool {
        hook == other.hook && ProcessHookRunner.environment(for: self) == ProcessHookRunner.environment(for: other)
    }
}
