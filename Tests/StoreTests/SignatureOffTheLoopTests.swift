import Foundation
import MailGMime
import PostgresNIO
import PostgresTestServer
import RolloutCore
import RolloutGateway
@testable import StorePostgres
import Testing

/// A verifier that notes, at each check, whether it runs on the event loop it was told to watch (a PostgreSQL
/// connection's: GPGME waits on `gpg`, which that loop must never do).
final class LoopWatchingVerifier: SignatureVerifier, @unchecked Sendable {
    let schemes: Set<SignedPart.Scheme> = [.smime, .openpgp]
    private let lock = NSLock()
    private var onLoop: (@Sendable () -> Bool)?
    private var seen: [Bool] = []

    func watch(_ onLoop: @escaping @Sendable () -> Bool) { lock.withLock { self.onLoop = onLoop } }
    var checksOnLoop: [Bool] { lock.withLock { seen } }

    func verify(_ part: SignedPart, at arrival: Date) -> SignatureVerdict {
        lock.withLock { seen.append(onLoop?() ?? false) }
        return .refused("not checked in this test")
    }
}

@Suite("PostgreSQL store: a signature is checked off the connection's event loop")
struct SignatureOffTheLoopTests {
    static func signedReply(ticket: TicketID) -> [UInt8] {
        Array(
            """
            From: Paolo Veronesi <paolo.veronesi@cnaf.example.org>\r
            To: staged-rollout@rollout.example.org\r
            Subject: Re: [staged-rollout #\(ticket.rawValue)] Please test\r
            Message-ID: <signed-loop@cnaf.example.org>\r
            Date: Thu, 26 Nov 2026 09:00:00 +0100\r
            MIME-Version: 1.0\r
            Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain; charset=us-ascii\r
            \r
            accept NGI_IT-INFN-T1\r
            --b1\r
            Content-Type: application/pkcs7-signature; name=smime.p7s\r
            Content-Transfer-Encoding: base64\r
            \r
            AAAA\r
            --b1--\r
            """.utf8)
    }

    @Test("a signed reply analysed inside a transaction: its signature checked once, never on the connection's loop")
    func checkedOffTheLoop() async throws {
        let server = try PostgresServer.shared()
        let store = try PostgresTicketStore(settings: try server.makeDatabase(), password: server.password)
        let verifier = LoopWatchingVerifier()
        try await store.withRunning {
            let test = try GatewayOverStore(store)
            let (_, ticket) = try await test.staged()
            let ingest = Ingest(gateway: test.gateway, parser: GMimeMailParser(), verifier: verifier)
            try await store.transaction(singleCall: false) { transaction in
                let loop = transaction.connection.eventLoop
                #expect(loop.inEventLoop)
                verifier.watch { loop.inEventLoop }
                let analysis = try await ingest.within(transaction, collecting: AfterCommit())
                    .analyze(ingest.prepare(Self.signedReply(ticket: ticket)), dryRun: true)
                #expect(analysis.signature == .refused("not checked in this test"))
                #expect(loop.inEventLoop, "the analysis goes on on the loop")
            }
        }
        #expect(verifier.checksOnLoop == [false])
    }
}
