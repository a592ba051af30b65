import Hummingbird
import NIOCore

/// Hummingbird's request context with the connection's remote address: the identity header is believed only from a
/// trusted proxy, so the peer must be known.
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
