import MailGMime
import RolloutCore
import Testing

@Suite("Header fields")
struct HeaderTests {
    @Test("an Outlook reply: addresses, ids without brackets, Return-Path, Authentication-Results")
    func outlookReplyHeaders() throws {
        let message = try parseFixture("replies/outlook-top-posted-accept.eml")
        let headers = message.headers
        #expect(headers.from == [Mailbox(name: "Paolo Veronesi", address: EmailAddress("paolo.veronesi@cnaf.example.org"))])
        #expect(headers.to == [Mailbox(name: "Staged Rollout", address: EmailAddress("staged-rollout@rollout.example.org"))])
        #expect(headers.messageID == "AM0PR07MB4417A1B2C3D4E5F6@AM0PR07MB4417.eurprd07.prod.outlook.example.com")
        #expect(headers.inReplyTo == ["rollout-12-notify-1@rollout.example.org"])
        #expect(headers.references == ["rollout-12-notify-1@rollout.example.org"])
        #expect(headers.returnPath == "paolo.veronesi@cnaf.example.org")
        #expect(headers.subject == "RE: [staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64")
        #expect(headers.contentType == "text/plain")
        #expect(headers.date == "Tue, 12 Mar 2024 10:15:32 +0100")
        #expect(headers.authenticationResults.count == 1)
        #expect(headers.authenticationResults.first?.contains("dkim=pass header.d=cnaf.example.org") == true)
        #expect(headers.messageID == "AM0PR07MB4417A1B2C3D4E5F6@AM0PR07MB4417.eurprd07.prod.outlook.example.com")
        // the seen key compares the domain without case
        #expect(message.seenKey == "<AM0PR07MB4417A1B2C3D4E5F6@am0pr07mb4417.eurprd07.prod.outlook.example.com>")
    }

    @Test("every Authentication-Results is kept, top first; References oldest first")
    func authenticationResultsOrder() throws {
        let headers = try parseFixture("replies/manager-outcome-accept-docid.eml").headers
        #expect(headers.authenticationResults.count == 2)
        #expect(headers.authenticationResults.first?.hasPrefix("mx.rollout.example.org;") == true)
        #expect(headers.authenticationResults.last?.hasPrefix("relay.lip.example.org;") == true)
        #expect(headers.references == ["rollout-12-notify-1@rollout.example.org", "rollout-12-report-3@rollout.example.org"])
        #expect(headers.inReplyTo == ["rollout-12-report-3@rollout.example.org"])
    }

    @Test("encoded-word subject in three charsets and encoded display names")
    func mixedCharsetSubjectAndNames() throws {
        let headers = try parseFixture("encodings/encoded-word-subject-mixed-charsets.eml").headers
        #expect(headers.subject == "Re: [staged-rollout #12] Příliš žluťoučký kůň – Größe")
        #expect(headers.from.first?.name == "Jiří Chudoba")
        #expect(headers.to.map(\.name) == ["Åsa Lindström", nil])
        #expect(headers.to.addresses == ["asa.lindstrom@nsc.example.org", "staged-rollout@rollout.example.org"])
        #expect(headers.cc == [Mailbox(name: "Müller, Jörg", address: EmailAddress("joerg.mueller@desy.example.org"))])
    }

    @Test(
        "subjects decoded per charset",
        arguments: [
            ("encodings/quoted-printable-iso-8859-2-polish.eml", "Odp: [staged-rollout #12] Zażółć gęślą jaźń", "Łukasz Flis"),
            ("encodings/base64-windows-1252-french.eml", "Re: [staged-rollout #12] Réponse € « test »", "Rémi Ferrand"),
            ("encodings/utf-8-8bit-german.eml", "AW: [staged-rollout #12] Prüfung verschoben", "Pavel Weber"),
            ("encodings/iso-2022-jp-japanese.eml", "Re: [staged-rollout #12] 了解しました", "山田太郎"),
            ("replies/czech-dne-napsal-ggus-iso-8859-2.eml", "Re: [staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64", "Jiří Chudoba"),
            ("replies/roundcube-webmail-spanish-escribio-accept.eml", "Re: [staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64", "José Salt"),
        ])
    func subjectsPerCharset(path: String, subject: String, name: String) throws {
        let headers = try parseFixture(path).headers
        #expect(headers.subject == subject)
        #expect(headers.from.first?.name == name)
    }

    @Test("raw 8-bit header bytes are read as windows-1252 and noted")
    func raw8BitHeaders() throws {
        let message = try parseFixture("encodings/raw-8bit-latin1-header.eml")
        #expect(message.headers.subject == "Re: [staged-rollout #12] Prüfung")
        #expect(message.headers.from.first?.name == "Jörg Müller")
        #expect(message.defects.contains { $0.hasPrefix("unencoded 8-bit header") })
    }

    @Test("vacation and out-of-office markers")
    func autoReplyMarkers() throws {
        let vacation = try parseFixture("auto-replies/vacation-auto-submitted-x-autoreply.eml").headers
        #expect(vacation.autoSubmitted == "auto-replied (vacation)")
        #expect(vacation.autoReplyMarkers == ["x-autoreply": "yes"])

        let bulk = try parseFixture("auto-replies/vacation-precedence-bulk-x-autorespond.eml").headers
        #expect(bulk.precedence == "bulk")
        #expect(bulk.autoSubmitted == nil)
        #expect(bulk.autoReplyMarkers["x-autorespond"] == "Abwesenheitsnotiz")
        #expect(bulk.autoReplyMarkers["x-vacation"] == "yes")

        let oof = try parseFixture("auto-replies/exchange-out-of-office.eml").headers
        #expect(oof.autoReplyMarkers["x-auto-response-suppress"] == "All")
        #expect(oof.autoSubmitted == "auto-generated")

        let moderation = try parseFixture("auto-replies/mailman-awaiting-moderator-approval.eml").headers
        #expect(moderation.precedence == "bulk")
        #expect(moderation.subject == "Your message to Early-adopters-emi@lists.egi.example.org awaits moderator approval")
    }

    @Test("a DMARC-munged list post: From is the list, the person is in Reply-To")
    func mailmanMungedFrom() throws {
        let headers = try parseFixture("lists/mailman-dmarc-munged-from.eml").headers
        #expect(headers.from.first?.name == "Mario Rossi via Early-adopters-emi")
        #expect(headers.from.addresses == ["early-adopters-emi@lists.egi.example.org"])
        #expect(headers.replyTo == [Mailbox(name: "Mario Rossi", address: EmailAddress("mario.rossi@mi.infn.example.org"))])
        #expect(headers.listID == "Early adopters of EMI releases <early-adopters-emi.lists.egi.example.org>")
        #expect(headers.precedence == "list")
        #expect(headers.returnPath == "early-adopters-emi-bounces@lists.egi.example.org")

        let appended = try parseFixture("lists/mailman-reply-to-appended.eml").headers
        #expect(appended.replyTo.addresses == ["milano@mi.infn.example.org", "mario.rossi@mi.infn.example.org"])

        let original = try parseFixture("lists/mailman-x-original-from.eml").headers
        #expect(original.originalFrom == [Mailbox(name: "Łukasz Flis", address: EmailAddress("lukasz.flis@cyfronet.example.org"))])
    }

    @Test("the list copy and the direct copy share a Message-ID but not a digest")
    func listAndDirectCopy() throws {
        let viaList = try parseFixture("lists/mailman-dmarc-munged-from.eml")
        let direct = try parseFixture("replies/direct-copy-of-list-post.eml")
        #expect(viaList.headers.messageID == direct.headers.messageID)
        #expect(viaList.seenKey == direct.seenKey)
        #expect(viaList.digest != direct.digest)
    }

    @Test("the gateway's own escalation coming back through the list carries its X-Loop")
    func ownMessageBack() throws {
        let headers = try parseFixture("lists/mailman-own-escalation-back.eml").headers
        #expect(headers.loops == ["staged-rollout@rollout.example.org"])
        #expect(headers.messageID == "rollout-12-escalate-1@rollout.example.org")
    }

    @Test("duplicates: same bytes give the same digest; without Message-ID the digest is the key")
    func duplicates() throws {
        let first = try parseFixture("duplicates/accept-first-fetch.eml")
        let second = try parseFixture("duplicates/accept-second-fetch.eml")
        let redelivered = try parseFixture("duplicates/accept-redelivered-other-received.eml")
        #expect(first.digest == second.digest)
        #expect(first.seenKey == redelivered.seenKey)
        #expect(first.digest != redelivered.digest)

        let copy1 = try parseFixture("duplicates/no-message-id-copy-1.eml")
        let copy2 = try parseFixture("duplicates/no-message-id-copy-2.eml")
        #expect(copy1.headers.messageID == nil)
        #expect(copy1.seenKey == copy2.seenKey)
        #expect(copy1.seenKey == "sha256:\(copy1.digest)")
    }

    @Test("a Message-ID that is a sender's prose (blanks, a folded line) is no Message-ID: never written back into a notice")
    func proseMessageID() {
        func id(_ field: String) -> String? {
            parser.parse(Array("From: a@b.example\r\nMessage-ID: \(field)\r\nSubject: x\r\n\r\nhi\r\n".utf8)).headers.messageID
        }
        #expect(id("Verify your account at http://evil.example/login\r\n today") == nil)
        #expect(id("<a b@c.example>") == nil)
        // The control: an ordinary one, with or without brackets.
        #expect(id("<1234.abc@lip.example.org>") == "1234.abc@lip.example.org")
        #expect(id("1234.abc@lip.example.org") == "1234.abc@lip.example.org")
    }
}
