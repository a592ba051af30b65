/// The body being received, up to its limit.
final class HTTPBody {
    let limit: Int
    var bytes: [UInt8] = []
    var overflowed = false

    init(limit: Int) { self.limit = limit }
}
