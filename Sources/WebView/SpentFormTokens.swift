import Synchronization

/// The nonces of the form tokens already posted (``SessionTokens``), each with its issue time. One that expired can
/// never be posted again, so it is forgotten: the set holds at most the posts of one token lifetime.
final class SpentFormTokens: Sendable {
    private let spent = Mutex<[String: Int]>([:])

    /// Records `nonce` as spent; false when it already was. Forgets the nonces issued before `oldestKept` whenever the
    /// set's size reaches a power of two from 1,024 on, so that each post pays a constant share of the forgetting.
    func spend(_ nonce: String, issued: Int, oldestKept: Int) -> Bool {
        spent.withLock { spent in
            guard spent[nonce] == nil else { return false }
            spent[nonce] = issued
            if spent.count >= 1024, spent.count.nonzeroBitCount == 1 {
                spent = spent.filter { $0.value >= oldestKept }
            }
            return true
        }
    }

    /// Forgets that `nonce` was spent (its post did nothing).
    func refund(_ nonce: String) {
        _ = spent.withLock { $0.removeValue(forKey: nonce) }
    }
}
