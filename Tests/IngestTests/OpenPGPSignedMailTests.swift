import Foundation
import MailGMime
import RolloutCore
import RolloutGateway
import SignatureOpenPGP
import Testing

/// Signed mail by OpenPGP (issue 23): a manager's signature by a key of the operator's keyring
/// (`inbound.openpgp.keyring`) makes them strong without any reply token or DKIM; only the signed words count;
/// every other signature is refused, with why. Keys made on the fly by make-test-keys.sh.
@Suite("Signed mail: OpenPGP against a keyring made with gpg")
struct OpenPGPSignedMailTests {
    typealias SignedWorld = SignedMailTests.SignedWorld
    static let managerUserID = "Mario David <mario.david@lip.example.org>"

    static func world() async throws -> (SignedWorld, TestKeys) {
        let keys = try TestKeys.make()
        return (try await SignedWorld(keyring: keys.keyring), keys)
    }

    /// A `multipart/signed` OpenPGP/MIME entity (RFC 3156) as Thunderbird writes it around `content`.
    static func multipartSigned(_ content: [UInt8], signature: [UInt8], boundary: String = "------------pgp0A1B2C3D4E5F6") -> [UInt8] {
        Array(
            ("Content-Type: multipart/signed; micalg=pgp-sha256;\r\n protocol=\"application/pgp-signature\";\r\n boundary=\"\(boundary)\"\r\n\r\n"
                + "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n--\(boundary)\r\n").utf8)
            + content
            + Array(
                ("\r\n--\(boundary)\r\nContent-Type: application/pgp-signature; name=\"OpenPGP_signature.asc\"\r\n"
                    + "Content-Description: OpenPGP digital signature\r\nContent-Disposition: attachment; filename=\"OpenPGP_signature.asc\"\r\n\r\n").utf8)
            + signature + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The body of a reply: `lines` in Thunderbird's quoted-printable part, signed by `person`'s key.
    static func signedBody(_ keys: TestKeys, _ lines: [String], by person: String = "manager") throws -> [UInt8] {
        let part = SignedMailTests.thunderbirdPart(lines)
        return multipartSigned(part, signature: try keys.detachedSignature(of: part, by: person))
    }

    /// A whole reply from the manager's address (no reply token, no Authentication-Results).
    static func signedMail(_ keys: TestKeys, _ lines: [String], by person: String = "manager") throws -> [UInt8] {
        Array(SignedMailTests.headers().utf8) + (try signedBody(keys, lines, by: person))
    }

    func expectRefused(_ raw: [UInt8], _ reason: String, in signed: SignedWorld, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await SignedMailTests().expectRefused(raw, reason, in: signed, sourceLocation: sourceLocation)
    }

    // MARK: The genuine case

    @Test("a signed `resolve` by the manager is strong by signature, with no reply token and no DKIM")
    func genuine() async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        let raw = try Self.signedMail(keys, ["outcome reject", "docid EGI-doc-1", "resolve", "", "Mario"] + SignedMailTests.quoting())

        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.token == nil && analysis.classification.authentication.strongBasis == nil)
        #expect(analysis.authentication == .strong && analysis.basis == .signature)
        let explanation = analysis.explanation(registry: signed.world.configuration.workflow.registry)
        let fingerprint = try keys.fingerprint("manager")
        #expect(explanation.signer == Self.managerUserID && explanation.signerIssuer == "OpenPGP key \(fingerprint)")
        #expect(explanation.signatureProblem == nil && explanation.signatureUnchecked == nil)
        #expect(!analysis.message.attachments.contains { $0.fileName == "OpenPGP_signature.asc" })

        let outcome = try await signed.ingest.ingest(raw)
        #expect(outcome.results.map(\.status) == [.applied, .applied, .applied], "\(outcome.results.map(\.message))")
        let resolved = try #require(try await signed.history(.status).last)
        #expect(resolved.authentication == .strong && resolved.basis == .signature)
        #expect(resolved.detail.hasSuffix("(signed by \(Self.managerUserID), issued by OpenPGP key \(fingerprint))"), "\(resolved.detail)")
    }

    // MARK: Attacks and bad keys

    @Test("a member's key whose user ID is a manager's certificate DN: the DN map is for certificates only, refused")
    func userIDNamedLikeAMappedDN() async throws {
        let keys = try TestKeys.make()
        let signed = try await SignedWorld(
            people: "    people:\n      \"/C=NL/O=Test Grid/OU=People/CN=Mario David robot\": mario.david@lip.example.org\n", keyring: keys.keyring)
        defer { signed.world.cleanUp() }
        let raw = try Self.signedMail(keys, ["escalate", "", "Mario"] + SignedMailTests.quoting(), by: "impostor")
        try await expectRefused(
            raw, "signed by /C=NL/O=Test Grid/OU=People/CN=Mario David robot (luigi.verdi@lip.example.org), not by mario.david@lip.example.org",
            in: signed)
    }

    @Test("one byte of the signed text changed: refused, weak")
    func tamperedByte() async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        var raw = try Self.signedMail(keys, ["escalate", "", "thanks, Mario"])
        let at = try #require(raw.firstRange(of: Array("thanks, Mario".utf8)))
        raw[at.lowerBound + 8] = UInt8(ascii: "m")
        try await expectRefused(raw, "the signature does not match the signed text", in: signed)
    }

    @Test(
        "keys the gateway does not trust, or that are not the sender's, are refused, each with why",
        arguments: [
            ("stranger", "is not in the gateway's keyring (inbound.openpgp.keyring)"),
            ("colleague", "signed by Luigi Verdi <luigi.verdi@lip.example.org> (luigi.verdi@lip.example.org), not by mario.david@lip.example.org"),
            ("expired", "had expired when the message arrived"),
            ("revoked", "is revoked"),
            ("robot", "signed by Release robot (no e-mail address), not by mario.david@lip.example.org"),
        ])
    func untrustedKeys(person: String, reason: String) async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        try await expectRefused(try Self.signedMail(keys, ["escalate"] + SignedMailTests.quoting(), by: person), reason, in: signed)
    }

    @Test("a signed part inside an unsigned wrapper: the commands outside it are never read, the signed words are")
    func unsignedWrapper() async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        let inner = try Self.signedBody(keys, ["thanks, all fine here", "", "Mario"] + SignedMailTests.quoting())
        try await SignedMailTests().expectOnlySignedWords(SignedMailTests.insideUnsignedWrapper(inner), in: signed)
    }

    @Test("a genuine signed mail sent again under a new Message-ID and Date is the same mail: recorded as a duplicate")
    func replayed() async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        let body = try Self.signedBody(keys, ["escalate"] + SignedMailTests.quoting())
        #expect(try await signed.ingest.ingest(Array(SignedMailTests.headers().utf8) + body).results.map(\.status) == [.applied])
        let replay = try await signed.ingest.ingest(Array(SignedMailTests.headers().utf8) + body)
        #expect(replay.disposition == .duplicate)
        #expect(try await signed.history(.escalation).count == 1)
    }

    @Test("a manager's signed mail for ticket #13 re-sent tagged for #12: weak, why recorded, nothing changes")
    func resentToAnotherTicket() async throws {
        let (signed, keys) = try await Self.world()
        defer { signed.world.cleanUp() }
        let raw = Array(SignedMailTests.headers().utf8) + (try Self.signedBody(keys, ["escalate"] + SignedMailTests.quoting(13)))
        try await expectRefused(raw, "the signed words do not name ticket #12 alone", in: signed)
    }

    // MARK: Without a keyring

    @Test("without inbound.openpgp an OpenPGP-signed mail counts as unsigned: weak, and explain says why")
    func unconfigured() async throws {
        let keys = try TestKeys.make()
        let signed = try await SignedWorld()
        defer { signed.world.cleanUp() }
        let raw = try Self.signedMail(keys, ["escalate"] + SignedMailTests.quoting())
        let analysis = try await signed.ingest.analyze(raw)
        #expect(analysis.authentication == .weak && analysis.signature == nil)
        let explanation = analysis.explanation(registry: signed.world.configuration.workflow.registry)
        #expect(explanation.signatureUnchecked?.contains("no inbound.openpgp keyring is configured") == true)
        let result = try #require(try await signed.ingest.ingest(raw).results.first)
        #expect(result.refusal == .needsStrongAuthentication)
        #expect(try await signed.history(.signatureRefused).isEmpty)
    }

    // MARK: The private GnuPG home and config check

    @Test("the keyring is imported into a private GnuPG home (0700, trust-model always, no key lookups), removed after")
    func privateHome() throws {
        let keys = try TestKeys.make()
        var verifier: OpenPGPSignatureVerifier? = OpenPGPSignatureVerifier(settings: OpenPGPSettings(keyring: keys.keyring))
        let home = try #require(verifier?.homeDirectory)
        #expect(!home.hasPrefix(NSHomeDirectory() + "/.gnupg"))
        let attributes = try FileManager.default.attributesOfItem(atPath: home)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let configuration = try String(contentsOfFile: home + "/gpg.conf", encoding: .utf8)
        #expect(configuration.contains("trust-model always") && configuration.contains("no-auto-key-retrieve"))
        #expect(verifier?.warnings == ["inbound.openpgp.keyring \(keys.keyring): key \(try keys.fingerprint("robot")) has no user ID with an e-mail address; its signatures never make a sender strong"])
        verifier = nil
        #expect(!FileManager.default.fileExists(atPath: home))
    }

    @Test("a keyring that cannot be read: config check warns, and every OpenPGP signature is refused saying so")
    func unreadableKeyring() throws {
        let keys = try TestKeys.make()
        let missing = NSTemporaryDirectory() + "no-such-keyring-\(UUID().uuidString).asc"
        let verifier = OpenPGPSignatureVerifier(settings: OpenPGPSettings(keyring: missing))
        #expect(verifier.warnings == ["the gateway cannot read its OpenPGP keyring \(missing) (inbound.openpgp.keyring)"])
        let part = SignedMailTests.thunderbirdPart(["escalate"])
        let signed = SignedPart(scheme: .openpgp, form: .detached(content: part, signature: try keys.detachedSignature(of: part, by: "manager")), wholeBody: true)
        #expect(verifier.verify(signed, at: Date(timeIntervalSince1970: 1_764_600_000)) == .refused("the gateway cannot read its OpenPGP keyring \(missing) (inbound.openpgp.keyring)"))
    }
}
