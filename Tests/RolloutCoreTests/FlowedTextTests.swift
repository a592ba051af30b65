import RolloutCore
import Testing

@Suite("format=flowed unwrapping (RFC 3676)")
struct FlowedTextTests {
    @Test("a soft line break joins the two lines and keeps the space")
    func joinsSoftBreaks() {
        // Given a paragraph wrapped by the sender
        let text = "I have installed the release on our \r\ntest SE and it works.\r\naccept NGI_IT-INFN-T1\r\n"
        // When it is unwrapped
        let result = FlowedText.unwrap(text, delSp: false)
        // Then it is one line again, and the hard break before the command stays
        #expect(result == "I have installed the release on our test SE and it works.\naccept NGI_IT-INFN-T1\n")
    }

    @Test("DelSp=yes removes the space that marked the soft break")
    func delSpRemovesTrailingSpace() {
        let text = "https://ggus.eu/?mode=ticket_info&ti \ncket_id=98765\n"
        #expect(FlowedText.unwrap(text, delSp: true) == "https://ggus.eu/?mode=ticket_info&ticket_id=98765\n")
        #expect(FlowedText.unwrap(text, delSp: false) == "https://ggus.eu/?mode=ticket_info&ti cket_id=98765\n")
    }

    @Test("one stuffed space is removed, a second one is kept")
    func spaceStuffingRemoved() {
        let text = " From here on\n  indented\n >not a quote\n"
        #expect(FlowedText.unwrap(text, delSp: false) == "From here on\n indented\n>not a quote\n")
    }

    @Test("quoted flowed lines join at their depth and come out as '> '")
    func quotedParagraphs() {
        let text = "outcome accept\n> Please test the release \n> before Friday.\n>> older \n>> text\n"
        let result = FlowedText.unwrap(text, delSp: false)
        #expect(result == "outcome accept\n> Please test the release before Friday.\n>> older text\n")
    }

    @Test("a change of quote depth ends the paragraph even after a flowed line")
    func depthChangeEndsParagraph() {
        let text = "> quoted and flowed \nnew text\n"
        #expect(FlowedText.unwrap(text, delSp: false) == "> quoted and flowed \nnew text\n")
    }

    @Test("the signature separator is never treated as flowed")
    func signatureSeparatorKept() {
        let text = "accept NGI_IT-INFN-T1\n-- \nPaolo Veronesi\n"
        #expect(FlowedText.unwrap(text, delSp: true) == "accept NGI_IT-INFN-T1\n-- \nPaolo Veronesi\n")
    }

    @Test("an empty line after a flowed line is the paragraph's last (fixed) line")
    func emptyLineEndsParagraph() {
        let text = "first part \n\nsecond\n"
        #expect(FlowedText.unwrap(text, delSp: false) == "first part \nsecond\n")
    }

    @Test("fixed text passes through unchanged")
    func fixedTextUnchanged() {
        let text = "line one\nline two"
        #expect(FlowedText.unwrap(text, delSp: false) == text)
        #expect(FlowedText.unwrap("", delSp: true) == "")
    }
}
