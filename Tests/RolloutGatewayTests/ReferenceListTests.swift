import RolloutGateway
import Testing

@Suite("References of an answer: writable, bounded, in thread order (RFC 5322 §2.1.1, §3.6.4)")
struct ReferenceListTests {
    @Test("the root, the answered message's chain, then the answered message; each ID once")
    func order() {
        let list = ReferenceList(root: "ticket-12@gw.example.org", chain: ["a@x.org", "ticket-12@gw.example.org", "b@x.org"], answered: "c@x.org")
        #expect(list.ids == ["ticket-12@gw.example.org", "a@x.org", "b@x.org", "c@x.org"])
        // An answered message already named in its own chain stays last.
        #expect(ReferenceList(chain: ["c@x.org", "a@x.org"], answered: "c@x.org").ids == ["a@x.org", "c@x.org"])
    }

    @Test(
        "IDs that cannot be written on a line of 998 characters, or are not msg-ids, are dropped",
        arguments: [
            String(repeating: "x", count: 5_000) + "@x.org", "", "no-at-sign", "@x.org", "a@", "two words@x.org", "a<b@x.org",
            "é@x.org", "a@x.org\r\nBcc: victim@x.org",
        ])
    func unwritable(id: String) {
        #expect(!ReferenceList.isWritable(id))
        #expect(ReferenceList(root: "r@gw.org", chain: [id, "a@x.org"], answered: id).ids == ["r@gw.org", "a@x.org"])
    }

    @Test("a long chain keeps its first and its last IDs; linear in the chain's length")
    func bounded() {
        let chain = (1...100_000).map { "m\($0)@x.org" }
        let list = ReferenceList(root: "r@gw.org", chain: chain, answered: "last@x.org")
        #expect(list.ids.count == ReferenceList.maximumCount)
        #expect(list.ids.prefix(ReferenceList.keptFirst) == ["r@gw.org", "m1@x.org"])
        #expect(list.ids.suffix(2) == ["m100000@x.org", "last@x.org"])
    }

    @Test("the chain an answer continues: References, else a single In-Reply-To")
    func chain() {
        #expect(ReferenceList.chain(references: ["a@x", "b@x"], inReplyTo: ["b@x"]) == ["a@x", "b@x"])
        #expect(ReferenceList.chain(references: [], inReplyTo: ["b@x"]) == ["b@x"])
        #expect(ReferenceList.chain(references: [], inReplyTo: ["a@x", "b@x"]) == [])
    }
}
