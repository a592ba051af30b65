import RolloutCore
import Testing

@Suite("A delivery report's failures are told without its free text")
struct DeliveryReportTextTests {
    @Test("the address, the action and the status code stay; the diagnostic goes")
    func stripsDiagnostic() {
        let failure = FailedRecipient(
            address: EmailAddress("paolo.veronesi@cnaf.example.org"), action: "failed", status: "5.1.1",
            diagnostic: "smtp; 550 mail your password to https://attacker.example.net")
        #expect(
            DeliveryReport.withoutFreeText(failure)
                == FailedRecipient(address: EmailAddress("paolo.veronesi@cnaf.example.org"), action: "failed", status: "5.1.1"))
    }

    @Test("only an RFC 3463 code passes for a status", arguments: [
        ("5.1.1", true), ("4.4.7", true), ("2.0.0", true), ("5.7.26", true), ("5.1.1000", false), ("9.1.1", false),
        ("5.1", false), ("CALL-US", false), ("5.1.x", false), ("", false),
    ])
    func statusCodes(text: String, accepted: Bool) {
        #expect((DeliveryReport.statusCode(text) != nil) == accepted)
    }
}
