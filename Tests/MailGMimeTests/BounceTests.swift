import MailGMime
import RolloutCore
import Testing

@Suite("Bounces")
struct BounceTests {
    private let ticketSubject = "[staged-rollout #12] Staged Rollout EMI-1.0 SE-DPM_mysql 1.8.0-1 SL5 x86_64"

    @Test("Postfix DSN: the failed recipient and the returned message")
    func postfixDSN() throws {
        let message = try parseFixture("bounces/postfix-dsn-user-unknown.eml")
        #expect(message.headers.returnPath == "")
        #expect(message.headers.contentType == "multipart/report")
        #expect(message.failedRecipients.count == 1)
        let recipient = try #require(message.failedRecipients.first)
        #expect(recipient.address == EmailAddress("nobody@cnaf.example.org"))
        #expect(recipient.action == "failed")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.diagnostic?.hasPrefix("550 5.1.1 <nobody@cnaf.example.org>: Recipient address rejected") == true)
        #expect(message.embeddedMessages.count == 1)
        let returned = try #require(message.embeddedMessages.first)
        #expect(returned.headers.subject == ticketSubject)
        #expect(returned.headers.messageID == "rollout-12-notify-1@rollout.example.org")
        #expect(returned.headers.loops == ["staged-rollout@rollout.example.org"])
        #expect(returned.text.hasPrefix("Dear Early Adopters,"))
        #expect(returned.size > 0 && returned.digest.count == 64)
        #expect(message.attachments.isEmpty)
    }

    @Test("Postfix DSN with two recipient groups and only the returned headers")
    func postfixDelayedAndHeadersOnly() throws {
        let message = try parseFixture("bounces/postfix-dsn-delayed-and-failed-headers-only.eml")
        #expect(
            message.failedRecipients == [
                FailedRecipient(
                    address: EmailAddress("pavel.weber@kit.example.org"), action: "delayed", status: "4.4.1",
                    diagnostic: "connect to mx.kit.example.org[192.0.2.20]:25: Connection timed out"),
                FailedRecipient(
                    address: EmailAddress("paolo.veronesi@cnaf.example.org"), action: "failed", status: "5.2.2",
                    diagnostic: "552 5.2.2 Mailbox full"),
            ])
        let returned = try #require(message.embeddedMessages.first)
        #expect(returned.headers.subject == ticketSubject + ": reminder")
        #expect(returned.headers.messageID == "rollout-12-remind-1@rollout.example.org")
        #expect(returned.text.isEmpty)
    }

    @Test("Exchange NDR: recipient, status and the returned message; the plain text part is the text")
    func exchangeNDR() throws {
        let message = try parseFixture("bounces/exchange-ndr.eml")
        #expect(message.headers.subject == "Undeliverable: " + ticketSubject)
        #expect(message.failedRecipients.map(\.address) == [EmailAddress("ronald.starink@nikhef.example.org")])
        #expect(message.failedRecipients.first?.status == "5.1.10")
        #expect(message.failedRecipients.first?.diagnostic?.hasSuffix("Recipient not found by SMTP address lookup") == true)
        #expect(message.embeddedMessages.first?.headers.subject == ticketSubject)
        #expect(!message.textFromHTML)
        #expect(message.text.hasPrefix("Delivery has failed to these recipients or groups:"))
    }

    @Test("qmail plain-text bounce from MAILER-DAEMON with an empty Return-Path")
    func qmailBounce() throws {
        let message = try parseFixture("bounces/qmail-plain-text-bounce.eml")
        #expect(message.headers.returnPath == "")
        #expect(message.headers.from.addresses == ["MAILER-DAEMON@mail.fzu.example.org"])
        #expect(
            message.failedRecipients == [
                FailedRecipient(
                    address: EmailAddress("jiri.chudoba@fzu.example.org"), action: "failed", status: "5.1.1",
                    diagnostic: "Sorry, no mailbox here by that name. (#5.1.1)")
            ])
        #expect(message.embeddedMessages.first?.headers.subject == ticketSubject)
        #expect(message.embeddedMessages.first?.headers.messageID == "rollout-12-notify-1@rollout.example.org")
    }

    @Test("ordinary replies name no failed recipients and embed nothing")
    func repliesAreNoBounces() throws {
        for path in Fixtures.allMailPaths() where path.hasPrefix("replies/") {
            let message = try parseFixture(path)
            #expect(message.failedRecipients.isEmpty, "\(path)")
            #expect(message.embeddedMessages.isEmpty, "\(path)")
        }
    }
}
