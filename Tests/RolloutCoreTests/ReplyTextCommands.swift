import RolloutCore

/// The commands a reply's text yields, read as the gateway reads them (new text only).
func replyCommands(_ text: String) -> [Command] {
    ReplyText(text).readLines.compactMap {
        if case .command(let command) = $0.reading { return command }
        return nil
    }
}
